# SimNet (issue 5) tests. Included from tests/io/CMakeLists.txt.
hio_add_test(sim_tests unit
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/sim_datagram_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_doers_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_params_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_saturation_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_serial_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_stream_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/embedding_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/embedding_clock_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_accept_error_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/undriven_channel_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/channel_doer_driver_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sim_port_table_test.cpp
  LIBS hio::io hio::engine)
# embedding_test runs a completion inside a hub's poll() (io/src's Asio core),
# sim_port_table_test a host's port table.
target_include_directories(sim_tests PRIVATE ${PROJECT_SOURCE_DIR}/io/src)

# Runs its own binary as a child process to compare digests across processes.
hio_add_test(sim_determinism_tests determinism
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sim_determinism_test.cpp
  LIBS hio::io hio::engine)
