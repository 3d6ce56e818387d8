# A plain replay of a simulated run is identical when an IO doer has a tock of
# its own and its bytes go out piece by piece (xgen16 finding 1). The driver
# doers park unless their run caused an event; they counted the events of
# their first service() too, where the transport takes what was written
# before - which a replay takes at its recorded place, often before the
# doer's run. The recorded client then ran at its next tock, the replayed
# one parked and ran when the echo came (`extra event ... close`), and the
# serial sender ran every pass (`extra tx`). data/tocked_io/: a link that
# takes one byte a service (stream.toml), one-byte segments (segments.toml),
# a 16-byte serial FIFO (serial.toml), and an echo server with a tock of its
# own behind such a link (server.toml: TcpServerDoer counts per remote).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

foreach(name stream segments serial server)
  hio(run ${DATA}/tocked_io/${name}.toml --record ${WORK}/${name}.hioj EXIT 0)
  digest_of("${out}" recorded)
  hio(replay ${WORK}/${name}.hioj EXIT 0)
  require("${out}" "replay:    [^\n]*: identical\n" "${name}: replay")
  require("${out}" "digest:    ${recorded} " "${name}: replay digest")
endforeach()

# A divergence at a pass the journal has no event in names the journal's next
# event (before, `the journal has no more events` and `expected: (none)`,
# though it went on): the client of two_messages.toml replayed with one
# message closes where the recording waited for its interval.
file(READ ${DATA}/tocked_io/two_messages.toml text)
string(REPLACE "messages = 2" "messages = 1" text "${text}")
file(WRITE ${WORK}/one_message.toml "${text}")
hio(run ${DATA}/tocked_io/two_messages.toml --record ${WORK}/two.hioj EXIT 0)
hio(replay ${WORK}/two.hioj --scenario ${WORK}/one_message.toml EXIT 3)
require("${out}" "extra event\n  the journal's next event is at a later pass\n  expected: p100 0.1 s11 #2 tx 32 "
        "one message: the journal's next event")
