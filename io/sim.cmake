# SimNet (issue 5): the simulated transports for sim:// and sim-serial://.
# Included from io/CMakeLists.txt after hio_add_component(io ...).
set(HIO_IO_SIM_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_core.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_datagram.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_cuts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_faults.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_link_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_net.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_params.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_serial.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sim_stream.cpp)
target_sources(hio_io PRIVATE ${HIO_IO_SIM_SOURCES})
