# ASan + UBSan for the asan preset. Applied globally so tests and libraries
# agree on the runtime. UBSan findings abort, so a test cannot pass over one.
if(HIO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
  # GCC's -Wmaybe-uninitialized gives false positives under the sanitizers'
  # instrumentation (e.g. inside std::variant); the other builds keep it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
