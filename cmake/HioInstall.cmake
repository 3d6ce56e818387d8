# The CMake package: installed (find_package(hio) after `cmake --install`) and
# in the build tree (find_package(hio) with hio_DIR or CMAKE_PREFIX_PATH set
# to the build directory). One export set per component, so that
# find_package(hio COMPONENTS engine) loads engine's targets only; see
# docs/embedding.md.
include(CMakePackageConfigHelpers)

set(HIO_PACKAGE_COMPONENTS "")
foreach(component engine io replay tools)
  if(TARGET hio_${component})
    list(APPEND HIO_PACKAGE_COMPONENTS ${component})
    if(HIO_INSTALL)
      install(EXPORT hio-${component}-targets
        NAMESPACE hio::
        FILE hio-${component}-targets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)
    endif()
    export(EXPORT hio-${component}-targets
      NAMESPACE hio::
      FILE ${CMAKE_CURRENT_BINARY_DIR}/hio-${component}-targets.cmake)
  endif()
endforeach()

# The same config file serves both places: it uses no install paths.
configure_package_config_file(
  ${CMAKE_CURRENT_SOURCE_DIR}/cmake/hioConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/hio-libatomic.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/hio-libatomic.cmake COPYONLY)
if(HIO_INSTALL)
  install(FILES
    ${CMAKE_CURRENT_BINARY_DIR}/hioConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/hioConfigVersion.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/hio-libatomic.cmake
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)
endif()
