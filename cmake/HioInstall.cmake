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

# pkg-config files for projects built without CMake (docs/embedding.md,
# "Without CMake"): hio-<component>.pc for each component, and hio.pc for all
# of them. The libraries are static, so each file's Requires (not
# Requires.private) names the packages its archive needs at link time, and
# `pkg-config --libs` lists every archive in link order. The prefix is found
# from the file's own place (${pcfiledir}): an install with --prefix or
# DESTDIR elsewhere than CMAKE_INSTALL_PREFIX works as it is. Each
# configuration's files name its own archives (a Debug one's libhio_engined.a),
# and a Debug install's files have names of their own (hio-engine-debug.pc,
# ..., hio-debug.pc, requiring each other), as its archives do: a Debug and a
# Release install share a prefix. (Until session 23 the last install's files
# won, silently: a Release program then linked the -O0 archives.)
if(HIO_INSTALL)
  set(_hio_pc_suffix "$<$<CONFIG:Debug>:-debug>")
  # A directory given absolute (-DCMAKE_INSTALL_LIBDIR=/usr/lib64) is
  # written as it is, and the prefix is then CMAKE_INSTALL_PREFIX.
  set(_hio_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(_hio_pc_prefix "${CMAKE_INSTALL_PREFIX}")
  else()
    string(REGEX REPLACE "[^/]+" ".." _hio_pc_up "${_hio_pc_dir}")
    set(_hio_pc_prefix "\${pcfiledir}/${_hio_pc_up}")
  endif()
  foreach(_hio_pc_kind LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${_hio_pc_kind}}")
      set(_hio_pc_${_hio_pc_kind} "${CMAKE_INSTALL_${_hio_pc_kind}}")
    else()
      set(_hio_pc_${_hio_pc_kind} "\${prefix}/${CMAKE_INSTALL_${_hio_pc_kind}}")
    endif()
  endforeach()
  set(_hio_pc_requires_engine "")
  set(_hio_pc_requires_io "hio-engine${_hio_pc_suffix} = ${PROJECT_VERSION}, openssl, spdlog")
  set(_hio_pc_requires_replay "hio-io${_hio_pc_suffix} = ${PROJECT_VERSION}, capnp, kj")
  set(_hio_pc_requires_tools "hio-replay${_hio_pc_suffix} = ${PROJECT_VERSION}")
  set(_hio_pc_libs_io "-pthread")
  set(_hio_pc_all "")
  foreach(component IN LISTS HIO_PACKAGE_COMPONENTS)
    # The component's public definitions (HIO_DIGEST_LANES_PROTOTYPE changes
    # replay's headers): a consumer compiled without them would read another
    # layout than the archive's. Taken from the target, not listed again.
    set(_hio_pc_defines "$<TARGET_PROPERTY:hio_${component},INTERFACE_COMPILE_DEFINITIONS>")
    set(_hio_pc_file ${CMAKE_CURRENT_BINARY_DIR}/pkgconfig-$<CONFIG>/hio-${component}${_hio_pc_suffix}.pc)
    file(GENERATE OUTPUT ${_hio_pc_file}
      CONTENT "prefix=${_hio_pc_prefix}
libdir=${_hio_pc_LIBDIR}
includedir=${_hio_pc_INCLUDEDIR}

Name: hio-${component}${_hio_pc_suffix}
Description: hio ${component}: deterministic structured concurrency with record/replay (static, C++20)
Version: ${PROJECT_VERSION}
Requires: ${_hio_pc_requires_${component}}
Libs: -L\${libdir} -l$<TARGET_FILE_BASE_NAME:hio_${component}> ${_hio_pc_libs_${component}}
Cflags: -I\${includedir}$<$<BOOL:${_hio_pc_defines}>: -D$<JOIN:${_hio_pc_defines}, -D>>
")
    install(FILES ${_hio_pc_file} DESTINATION ${_hio_pc_dir})
    list(APPEND _hio_pc_all "hio-${component}${_hio_pc_suffix} = ${PROJECT_VERSION}")
  endforeach()
  list(REVERSE _hio_pc_all)  # the top component first: archives in link order
  list(JOIN _hio_pc_all ", " _hio_pc_all)
  set(_hio_pc_file ${CMAKE_CURRENT_BINARY_DIR}/pkgconfig-$<CONFIG>/hio${_hio_pc_suffix}.pc)
  file(GENERATE OUTPUT ${_hio_pc_file}
    CONTENT "prefix=${_hio_pc_prefix}

Name: hio${_hio_pc_suffix}
Description: hio, every component built: deterministic structured concurrency with record/replay (static, C++20)
Version: ${PROJECT_VERSION}
Requires: ${_hio_pc_all}
")
  install(FILES ${_hio_pc_file} DESTINATION ${_hio_pc_dir})
endif()
