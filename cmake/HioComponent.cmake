# hio_add_component(NAME SOURCES ...): one library per component with the
# alias hio::NAME, public headers under NAME/include, installed and exported.
function(hio_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  # STATIC whatever BUILD_SHARED_LIBS says: the libraries have no SOVERSION,
  # no symbol visibility control (io would export Asio's and spdlog's
  # internals) and the installed `hio` no RPATH, and hioConfig.cmake finds
  # their private dependencies because they are static (docs/embedding.md).
  add_library(hio_${name} STATIC ${ARG_SOURCES})
  add_library(hio::${name} ALIAS hio_${name})
  # DEBUG_POSTFIX: a Debug and a Release install share one prefix, each
  # config's targets file naming its own archive (libhio_engined.a, ...).
  set_target_properties(hio_${name} PROPERTIES
    EXPORT_NAME ${name}
    OUTPUT_NAME hio_${name}
    DEBUG_POSTFIX d
    POSITION_INDEPENDENT_CODE ON)
  target_include_directories(hio_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(hio_${name} PUBLIC cxx_std_20)
  hio_set_warnings(hio_${name})
  # The export set is made either way (the build tree's package uses it);
  # without HIO_INSTALL its rule is left out of `cmake --install`.
  set(exclude "")
  if(NOT HIO_INSTALL)
    set(exclude EXCLUDE_FROM_ALL)
  endif()
  install(TARGETS hio_${name} EXPORT hio-${name}-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} ${exclude}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ${exclude})
  if(HIO_INSTALL)
    install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endfunction()
