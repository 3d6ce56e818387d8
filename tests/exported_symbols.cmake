# ctest script: hio's static libraries define no global symbol outside the
# namespace hio, so a program that links them can name its own functions as it
# likes (session 16: the signal handlers on_stop_signal, on_sigpipe and
# on_sweep_signal were extern "C", so global whatever their namespace, and a
# program's own on_stop_signal was a "multiple definition"). Variables: NM (the
# toolchain's nm), LIBS (the archives, separated by |).
#
# Every global definition (`nm --extern-only --defined-only`) must be one of:
# - hio's: an Itanium-mangled name whose outermost scope is hio (_ZN3hio...,
#   _ZNK3hio...; its vtable, typeinfo and name _ZTV/_ZTI/_ZTS; a thunk
#   _ZThn<offset>_ / _ZTv<offsets>_; a function's local static _ZZN3hio and
#   its guard variable _ZGVZN3hio);
# - the Cap'n Proto data of hio's own journal schema, capnp::schemas::s_<id>
#   and bp_<id> (_ZN5capnp7schemas{18s,19bp}_<16 hex digits>E): capnpc-c++
#   generates them in that namespace, strong, for every schema compiled
#   (replay/schema/journal.capnp; the ids are its own);
# - weak (nm's W, V, u: vague linkage) and mangled (_Z...): an inline function,
#   a template instantiation or a typeinfo that the headers hio includes (the
#   standard library, Boost.Asio, spdlog/fmt, Cap'n Proto/kj, toml++, CLI11, or
#   hio's own) emit in every object that uses them; the linker keeps one, and
#   a program's own definition of the same entity is the same code (if not,
#   that is the ODR of the library's header, not a name clash of hio's);
# - weak and unmangled, by name: DW.ref.<symbol> (the references GCC and
#   Clang emit for exception handling, DW.ref.__gxx_personality_v0 and a
#   caught type's typeinfo), and boost_asio_detail_posix_thread_function (an
#   extern "C" inline function of Asio's posix_thread.hpp: weak, so the same
#   for every program that includes it), and __clang_call_terminate (Clang's
#   helper for a noexcept function's exception, in every object that needs it);
# - in an ASan build, __odr_asan.<symbol> (the ODR indicator ASan defines next
#   to each global variable) of a symbol allowed above.
# Anything else fails, named with its archive member.
cmake_minimum_required(VERSION 3.25)
if(NOT NM OR NOT LIBS)
  message(FATAL_ERROR "exported_symbols.cmake: NM and LIBS are required")
endif()
set(hio_scope "^_Z(T[VIS]|Th[0-9n]+_|Tv[0-9n]+_[0-9n]+_|Z|GVZ)?NK?3hio")
set(schema_data "^_ZN5capnp7schemas(18s|19bp)_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]E$")
set(weak_unmangled "^(DW\\.ref\\..+|boost_asio_detail_posix_thread_function|__clang_call_terminate)$")
string(REPLACE "|" ";" libs "${LIBS}")
set(bad "")
set(checked 0)
foreach(lib IN LISTS libs)
  execute_process(COMMAND ${NM} --extern-only --defined-only ${lib}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${NM} ${lib} failed (${rc}): ${err}")
  endif()
  get_filename_component(lib_name ${lib} NAME)
  set(member "")
  string(REPLACE "\n" ";" lines "${out}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^(.+\\.o):$")
      set(member ${CMAKE_MATCH_1})
      continue()
    endif()
    if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) (.+)$")
      continue()
    endif()
    set(type ${CMAKE_MATCH_1})
    set(name ${CMAKE_MATCH_2})
    math(EXPR checked "${checked} + 1")
    if(name MATCHES "^__odr_asan\\.(.+)$")
      set(name ${CMAKE_MATCH_1})
    endif()
    if(name MATCHES "${hio_scope}" OR name MATCHES "${schema_data}")
      continue()
    endif()
    if(type MATCHES "^[WVu]$" AND (name MATCHES "^_Z" OR name MATCHES "${weak_unmangled}"))
      continue()
    endif()
    string(APPEND bad "  ${lib_name}(${member}): ${type} ${name}\n")
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no symbols read from ${LIBS}: is ${NM} the right nm?")
endif()
if(bad)
  message(FATAL_ERROR "global symbols outside the namespace hio (a program's own of the "
                      "same name would clash):\n${bad}")
endif()
message(STATUS "${checked} global symbols, all hio's or its headers' weak ones")
