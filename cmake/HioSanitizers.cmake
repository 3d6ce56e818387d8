# Sanitizer builds, one mechanism: HIO_SANITIZE names the runtime, and
# HIO_SANITIZE_KIND is its normalised name ("" when not sanitized):
#   address (or ON): ASan + UBSan, the asan preset. UBSan findings abort, so a
#                    test cannot pass over one.
#   thread:          TSan, the tsan preset (a developer check, not in CI).
# Applied globally so tests and libraries agree on the runtime. Tests ask
# `if(HIO_SANITIZE_KIND)` for "any sanitized build" (no ulimit -v, no
# consumers), and compare it only where one runtime matters.
string(TOUPPER "${HIO_SANITIZE}" hio_sanitize_upper)
if(hio_sanitize_upper STREQUAL "THREAD")
  set(HIO_SANITIZE_KIND thread)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # GCC 12's -Wtsan: TSan does not model std::atomic_thread_fence, which
  # Asio's std_fenced_block uses around every handler it runs. Those handlers
  # are handed over through the scheduler's mutex, which TSan does see, so
  # the fence adds nothing TSan needs; the warning (an error under -Werror)
  # is about Asio's header, not hio.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
elseif(hio_sanitize_upper MATCHES "^(ADDRESS|ON|TRUE|YES|1)$")
  set(HIO_SANITIZE_KIND address)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
elseif(HIO_SANITIZE)
  message(FATAL_ERROR "HIO_SANITIZE=${HIO_SANITIZE}: expected OFF, address (or ON) or thread")
else()
  set(HIO_SANITIZE_KIND "")
endif()
# GCC's -Wmaybe-uninitialized gives false positives under the sanitizers'
# instrumentation (e.g. inside std::variant); the other builds keep it.
if(HIO_SANITIZE_KIND AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-maybe-uninitialized)
endif()
