# Included before find_package(CapnProto) by hio's own build and by the
# installed hioConfig.cmake. Debian's CapnProtoConfig.cmake checks for libatomic
# with check_library_exists(atomic __atomic_load_8 "" FOUND_LIBATOMIC), which
# fails in a project without the C language: its C++ form of the probe declares
# `char __atomic_load_8()`, which g++ rejects as clashing with the builtin, and
# it then stops with "libatomic not found". The same question, asked in C++
# (the symbol named through an asm label, so no builtin is redeclared), stored
# in the cache variable that check skips on when it is already defined.
if(NOT DEFINED FOUND_LIBATOMIC AND NOT CMAKE_C_COMPILER_LOADED)
  include(CheckCXXSourceCompiles)
  include(CMakePushCheckState)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_LIBRARIES atomic)
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_compiles([[
extern "C" char hio_probe_atomic_load_8() __asm__("__atomic_load_8");
int main() {
  char (*volatile probe)() = &hio_probe_atomic_load_8;
  return probe == nullptr;
}]] FOUND_LIBATOMIC)
  cmake_pop_check_state()
endif()
