# Installs the libraries and exports a CMake package, so that another project
# can find_package(hio) and link hio::engine (and the other components).
include(CMakePackageConfigHelpers)

install(EXPORT hioTargets
  NAMESPACE hio::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)

configure_package_config_file(
  ${CMAKE_CURRENT_SOURCE_DIR}/cmake/hioConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/hioConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hio)
