# hio diff's options end to end (docs/replay.md, Diff): --all and --max (every
# divergence, counted; at most N listed), --json (one object), and
# --ignore-addresses (two captures of one scene whose ports differ), on
# journals recorded by the binary and edited by journal-edit.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --seed 7 --record ${WORK}/a.hioj EXIT 0)
hio(run ${udp} --seed 8 --record ${WORK}/c.hioj EXIT 0)

# --kind (xuser17 finding N): a noise replay against its journal differs at
# every event by position; compared on `open` only, the same channels; on
# `tx` only, the first tx the noise moved.
hio(replay ${WORK}/a.hioj --noise delay=0-20ms --seed 3 --record ${WORK}/noisy.hioj EXIT 0 1)
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj EXIT 3)
require("${out}" "first divergence at event [0-9]+: [^\n]*: [a-z_]+ differs\n" "noise replay: diverges")
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --kind open EXIT 0)
require("${out}" "\nsame: [0-9]+ events of the kinds compared \\(open\\)\n$" "--kind open: same")
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --kind tx --kind open --all EXIT 3)
require("${out}" "first divergence at event [0-9]+: [^\n]*\n  expected: p[0-9]+ [0-9.]+ s[0-9]+ #[0-9]+ tx " "--kind tx: a tx")
if(out MATCHES " (rx|noise) [0-9]")
  message(FATAL_ERROR "--kind tx --kind open compared other kinds:\n${out}")
endif()
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --kind txx EXIT 2)
require("${err}" "^hio diff: --kind txx: one of open, connect, accept, rx, tx, close, error, noise, log, rx_end; did you mean 'tx'\\?\n$" "--kind txx")

# --channel (xuser17 finding N): one channel of the noise replay against its
# journal, named as inspect names it (the same lookup). The client's tx are
# the same (the noise delays what it receives); its rx moved; an id works as
# well as a name; a name neither journal has is exit 2 with the channels.
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --channel client --kind tx EXIT 0)
require("${out}" "\nsame: [1-9][0-9]* events of the kinds and channels compared \\(tx; client\\)\n$" "--channel client --kind tx: same")
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --channel client --all --max 1000 EXIT 3)
if(out MATCHES "\n  (expected|actual): p[0-9]+ [0-9.]+ s[0-9]+ #1 ")
  message(FATAL_ERROR "--channel client compared the server's events:\n${out}")
endif()
require("${out}" "\n  expected: p[0-9]+ [0-9.]+ s[0-9]+ #2 " "--channel client: the client's events")
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --channel server --channel "#2" --kind open EXIT 0)
require("${out}" "\nsame: 2 events of the kinds and channels compared \\(open; server, #2\\)\n$" "--channel server --channel #2 --kind open")
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --channel "#1" EXIT 3)
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --channel server EXIT 0)
require("${out}" "^same: [1-9][0-9]* events of the channels compared \\(server\\)\n$" "--channel server alone")
# A name is looked up in each journal, each filtered by its own id (rev18
# F4: the ids were unioned and both journals filtered by {1, 2}, comparing
# everything). Here the names are swapped: "client" is #2 in a.hioj and #1
# in swapped.hioj, whose #2 (its "server") has the id of a.hioj's client and
# must not be compared: a.hioj's #2 tx against swapped.hioj's #1 tx only
# (that is a.hioj's server: they differ).
run_tool(${EDIT} rename ${WORK}/a.hioj ${WORK}/swap1.hioj client zz EXIT 0)
run_tool(${EDIT} rename ${WORK}/swap1.hioj ${WORK}/swap2.hioj server client EXIT 0)
run_tool(${EDIT} rename ${WORK}/swap2.hioj ${WORK}/swapped.hioj zz server EXIT 0)
hio(diff ${WORK}/a.hioj ${WORK}/swapped.hioj --channel client --kind tx --all --max 1000 EXIT 3)
require("${out}" "first divergence at event 0: [^\n]*channel #2: [a-z_]+ differs\n  expected: p[0-9]+ [0-9.]+ s[0-9]+ #2 tx [^\n]*\n  actual: +p[0-9]+ [0-9.]+ s[0-9]+ #1 tx " "--channel client, swapped ids: each journal's own")
if(out MATCHES "\n  expected: p[0-9]+ [0-9.]+ s[0-9]+ #1 " OR out MATCHES "\n  actual: +p[0-9]+ [0-9.]+ s[0-9]+ #2 ")
  message(FATAL_ERROR "--channel client compared the other journal's id:\n${out}")
endif()
# A channel numbered differently in the two journals (closing note 18: each
# journal's own id was compared, so every event differed in `channel`):
# --channel NAME compares it by its name, the k-th channel of that name in
# one with the k-th in the other. renumbered.hioj is a.hioj with ids 1 and 2
# swapped: the whole journals differ in `channel` at once, each channel
# selected by name is the same (a line says the numbering), and the header's
# table is compared on the selected channels' entries only, their ids no
# difference. --channel N stays the id N in both: a.hioj's client (#2)
# against renumbered.hioj's server (#2).
run_tool(${EDIT} renumber ${WORK}/a.hioj ${WORK}/renumbered.hioj 1 2 EXIT 0)
hio(diff ${WORK}/a.hioj ${WORK}/renumbered.hioj EXIT 3)
require("${out}" "^header differs: channels: 2 vs 2 channels; the first that differs is entry 1 \\(#1 \"server\"\\): name \"server\" vs \"client\"\nfirst divergence at event 0: [^\n]*: channel differs\n" "renumbered: differs in channel")
hio(diff ${WORK}/a.hioj ${WORK}/renumbered.hioj --channel client EXIT 0)
require("${out}" "^channel client is #2 in [^\n]*/a.hioj, #1 in [^\n]*/renumbered.hioj: compared by its name\nsame: [1-9][0-9]* events of the channels compared \\(client\\)\n$" "renumbered: --channel client by its name")
hio(diff ${WORK}/a.hioj ${WORK}/renumbered.hioj --channel server --channel client --all EXIT 0)
require("${out}" "^channel server is #1 in [^\n]*, #2 in [^\n]*: compared by its name\nchannel client is #2 in [^\n]*, #1 in [^\n]*: compared by its name\nsame: [1-9][0-9]* events of the channels compared \\(server, client\\)\n$" "renumbered: both channels by name")
hio(diff ${WORK}/a.hioj ${WORK}/renumbered.hioj --channel 2 EXIT 3)
require("${out}" "^header differs: channels: 1 vs 1 channels; the first that differs is entry 1 \\(#2 \"client\"\\): name \"client\" vs \"server\"\nfirst divergence at event 0: " "renumbered: --channel 2 is the id")
# --json echoes the filters as applied (null: none), with each channel's ids.
hio(diff ${WORK}/a.hioj ${WORK}/renumbered.hioj --channel client --kind tx --kind open --json EXIT 0)
require("${out}" "\"ignore_addresses\": false, \"kinds\": \\[\"tx\", \"open\"\\], \"channels\": \\[{\"given\": \"client\", \"by\": \"name\", \"expected_ids\": \\[2\\], \"actual_ids\": \\[1\\]}\\], \"header_differences\": \\[\\], " "renumbered --json: the filters")
string(JSON result GET "${out}" result)
if(NOT result STREQUAL "same")
  message(FATAL_ERROR "renumbered --json --channel client: not same:\n${out}")
endif()
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --channel "#1" --json EXIT 0)
require("${out}" "\"kinds\": null, \"channels\": \\[{\"given\": \"#1\", \"by\": \"id\", \"expected_ids\": \\[1\\], \"actual_ids\": \\[1\\]}\\], " "--json --channel #1")
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --json EXIT 0)
require("${out}" "\"kinds\": null, \"channels\": null, " "--json without filters")
# A journal that cannot be read: nothing looked up, the ids null.
hio(diff ${WORK}/a.hioj ${WORK}/nothing.hioj --channel client --kind tx --json EXIT 2)
require("${out}" "\"kinds\": \\[\"tx\"\\], \"channels\": \\[{\"given\": \"client\", \"by\": \"name\", \"expected_ids\": null, \"actual_ids\": null}\\], " "--json, unread: ids null")
hio(diff ${WORK}/a.hioj ${WORK}/noisy.hioj --channel clinet EXIT 2)
require("${err}" "^hio diff: [^\n]*a.hioj: --channel clinet: the journal has no channel named clinet \\(did you mean 'client'\\?\\); its channels are 0 \\(the network\\), 1 server, 2 client\n$" "--channel clinet")

# A listener numbered differently (rev19 F-a): one more doer defined first
# shifts every id, the listener's and those of the connections it accepts
# (named server/<id>, so never selected by name in both). Selected by name, the
# listener's k-th accept pairs its accepted channel with the other's k-th:
# `accepted` is no difference (it diverged at the first accept).
file(READ ${SCENARIOS}/tcp_echo_jitter.toml tcp)
string(FIND "${tcp}" "[[doer]]" first_doer)
string(SUBSTRING "${tcp}" 0 ${first_doer} head)
string(SUBSTRING "${tcp}" ${first_doer} -1 tail)
file(WRITE ${WORK}/tcp2.toml "${head}[[doer]]\nkind = \"echo_server\"\nname = \"other\"\naddress = \"sim://server:9\"\n\n${tail}")
hio(run ${SCENARIOS}/tcp_echo_jitter.toml --seed 1 --record ${WORK}/tcp.hioj EXIT 0 1)
hio(run ${WORK}/tcp2.toml --seed 1 --record ${WORK}/tcp2.hioj EXIT 0 1)
hio(diff ${WORK}/tcp.hioj ${WORK}/tcp2.hioj --channel server --kind accept EXIT 0)
require("${out}" "\nchannel server is #1 in [^\n]*, #2 in [^\n]*: compared by its name\nsame: [1-9][0-9]* events? of the kinds and channels compared \\(accept; server\\)\n$" "renumbered listener: its accepts the same")
hio(diff ${WORK}/tcp.hioj ${WORK}/tcp2.hioj --channel server EXIT 0)
require("${out}" "\nsame: [1-9][0-9]* events of the channels compared \\(server\\)\n$" "renumbered listener: the same")

# --all --max 3: three divergences listed, numbered, then how many in all.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max 3 EXIT 3)
require("${out}" "\nfirst divergence at event [0-9]+: pass [0-9]+, tyme [0-9.]+ s, channel #[0-9]+: [a-z_]+ differs\n" "--all first")
require("${out}" "\ndivergence 2 at event [0-9]+: " "--all second")
require("${out}" "\ndivergence 3 at event [0-9]+: " "--all third")
if(out MATCHES "divergence 4 at")
  message(FATAL_ERROR "--max 3 listed a fourth divergence:\n${out}")
endif()
require("${out}" "\n([0-9]+) divergences in all, the first 3 listed \\(--max 3\\) \\(events compared by position[^\n]*\n$" "--all count line")
string(REGEX MATCH "\n([0-9]+) divergences in all" total_line "${out}")
set(total ${CMAKE_MATCH_1})
if(total LESS 4)
  message(FATAL_ERROR "only ${total} divergences in all between seeds 7 and 8")
endif()
# The default --max is 10.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all EXIT 3)
require("${out}" "\ndivergence 10 at event " "--all default lists 10")
if(out MATCHES "divergence 11 at")
  message(FATAL_ERROR "--all listed more than 10 by default")
endif()
require("${out}" "\n${total} divergences in all, the first 10 listed \\(--max 10\\)" "--all default count")
# Damage ends the comparison: the count is of the divergences before it, and
# the line says where it stopped (before session 28 it said "in all", the
# damage on stderr only: xjrn28). The exit stays 3, a divergence was found.
execute_process(COMMAND head -c 20000 ${WORK}/c.hioj OUTPUT_FILE ${WORK}/c_cut.hioj)
hio(diff ${WORK}/a.hioj ${WORK}/c_cut.hioj --all --max 3 EXIT 3)
require("${out}" "\n[0-9]+ divergences before the damage, the first 3 listed \\(--max 3\\) \\(events compared by position[^\n]*\\); then [^\n]*c_cut.hioj is cut or damaged at byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: [^\n]*: the rest was not compared\n$"
        "--all count line of a cut journal")
if(out MATCHES " in all")
  message(FATAL_ERROR "a comparison that damage ended counted divergences \"in all\":\n${out}")
endif()
require("${err}" "c_cut.hioj: byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: " "cut: stderr")
# Without --all: the first only, as before, and no count line.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj EXIT 3)
if(out MATCHES "divergence 2 at|in all")
  message(FATAL_ERROR "diff without --all listed more than the first:\n${out}")
endif()
# --max goes with --all, and is 1 to 1000.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --max 3 EXIT 2)
require("${err}" "--max requires --all" "--max alone")
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max 0 EXIT 2)
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max 1001 EXIT 2)
require("${err}" "^hio diff: --max: '1001' is not a whole number from 1 to 1000\n$" "--max 1001")
# Read by hio's own number parser, said as --seed and --keep say theirs (CLI11's
# range check said "Value 1e3 not in range 1 to 1000", of a value that is 1000).
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max 1e3 EXIT 2)
require("${err}" "^hio diff: --max: '1e3' is not a whole number from 1 to 1000\n$" "--max 1e3")
execute_process(COMMAND ${HIO} diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max "" ERROR_VARIABLE err)
require("${err}" "^hio diff: --max: '' is not a whole number from 1 to 1000\n$" "--max ''")

# --json: the same numbers as the text.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --all --max 2 --json EXIT 3)
string(JSON result GET "${out}" result)
string(JSON json_total GET "${out}" divergences_total)
string(JSON listed LENGTH "${out}" divergences)
string(JSON field0 GET "${out}" divergences 0 field)
string(JSON kind0 GET "${out}" divergences 0 expected kind)
string(JSON seed_line GET "${out}" header_differences 0)
string(JSON digest GET "${out}" expected_digest)
if(NOT result STREQUAL "diverged" OR NOT json_total EQUAL total OR NOT listed EQUAL 2
   OR field0 STREQUAL "" OR kind0 STREQUAL "" OR NOT seed_line STREQUAL "seed: 7 vs 8"
   OR NOT digest MATCHES "^[0-9a-f]+$")
  message(FATAL_ERROR "diff --json: ${result} ${json_total}/${total} ${listed} ${field0} ${kind0} '${seed_line}' ${digest}:\n${out}")
endif()
# A header string that is not UTF-8 (a damaged or crafted journal: the CRC
# covers what was written): the JSON says it escaped, as the text line does
# (it held the raw byte, which is no JSON).
run_tool(${EDIT} engine-version ${WORK}/a.hioj ${WORK}/a-version.hioj ff EXIT 0)
hio(diff ${WORK}/a.hioj ${WORK}/a-version.hioj EXIT 0)
# Only the journal's string is quoted and escaped, where it is (it was the
# whole line, "engine_version: hio 0.17.0 vs \xff", unlike every other
# message), and a control character in it is escaped, not sent raw.
require("${out}" "^header differs: engine_version: [^\n\"]* vs \"[^\n\"]*\\\\xff\"\n" "a version not UTF-8 in the text")
string(REGEX MATCH "^header differs: ([^\n]*)\n" line "${out}")
set(version_line "${CMAKE_MATCH_1}")
hio(diff ${WORK}/a.hioj ${WORK}/a-version.hioj --json EXIT 0)
string(JSON json_line ERROR_VARIABLE json_error GET "${out}" header_differences 0)
if(json_error OR NOT json_line STREQUAL version_line)
  message(FATAL_ERROR "diff --json of a version not UTF-8: '${json_line}' (${json_error}), the text: '${version_line}':\n${out}")
endif()
run_tool(${EDIT} engine-version ${WORK}/a.hioj ${WORK}/a-esc.hioj 1b5b324a EXIT 0)
hio(diff ${WORK}/a.hioj ${WORK}/a-esc.hioj EXIT 0)
require("${out}" "^header differs: engine_version: [^\n\"]* vs \"[^\n\"]*\\\\x1b\\[2J\"\n" "a version holding an ESC")
string(ASCII 27 esc)
if(out MATCHES "${esc}")
  message(FATAL_ERROR "diff: a raw ESC reached the terminal:\n${out}")
endif()
# Without --all the comparison stops at the first: no digests of whole journals.
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj --json EXIT 3)
require_json("${out}" NULL expected_error "diff --json expected_error of an intact journal")
string(JSON json_total GET "${out}" divergences_total)
string(JSON digest TYPE "${out}" expected_digest)
if(NOT json_total EQUAL 1 OR NOT digest STREQUAL "NULL")
  message(FATAL_ERROR "diff --json without --all: ${json_total} ${digest}:\n${out}")
endif()
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --json EXIT 0)
string(JSON result GET "${out}" result)
string(JSON json_total GET "${out}" divergences_total)
string(JSON expected_error TYPE "${out}" expected_error)
if(NOT result STREQUAL "same" OR NOT json_total EQUAL 0 OR NOT expected_error STREQUAL "NULL")
  message(FATAL_ERROR "diff --json same:\n${out}")
endif()

# One rx byte edited: --all finds that one divergence and no other.
execute_process(COMMAND ${EDIT} rx-byte ${WORK}/a.hioj ${WORK}/a-rx.hioj 3 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "journal-edit rx-byte failed")
endif()
hio(diff ${WORK}/a.hioj ${WORK}/a-rx.hioj --all EXIT 3)
require("${out}" "^first divergence at event [0-9]+: [^\n]*: bytes differs\n" "rx edit divergence")
require("${out}" "\n1 divergence in all \\(events compared" "rx edit: one in all")

# A cut journal in JSON: damaged, its error as inspect --json prints it.
file(READ ${WORK}/a.hioj bytes HEX)
string(SUBSTRING "${bytes}" 0 6000 cut_hex)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" cut_escaped "${cut_hex}")
file(WRITE ${WORK}/cut.hioj "")
execute_process(COMMAND printf "${cut_escaped}" OUTPUT_FILE ${WORK}/cut.hioj)
hio(diff ${WORK}/a.hioj ${WORK}/cut.hioj --json EXIT 2)
string(JSON result GET "${out}" result)
string(JSON actual_kind GET "${out}" actual_error kind)
string(JSON expected_error TYPE "${out}" expected_error)
if(NOT result STREQUAL "damaged" OR NOT actual_kind STREQUAL "truncated"
   OR NOT expected_error STREQUAL "NULL")
  message(FATAL_ERROR "diff --json of a cut journal:\n${out}")
endif()
# Bytes after a trailer that agrees (xjrn28 L3): every event was compared and
# the recorded run before them is whole, as hio replay says; exit 2 all the
# same (damage). It said "same for the first N events, then ... is cut or
# damaged". Both journals were read to their ends: --json gives the digests.
execute_process(COMMAND cat ${WORK}/a.hioj ${WORK}/a.hioj OUTPUT_FILE ${WORK}/twice.hioj)
hio(diff ${WORK}/a.hioj ${WORK}/twice.hioj EXIT 2)
require("${out}" "^same: [1-9][0-9]* events, then [^\n]*twice.hioj is damaged after its trailer at byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): trailing_data: [^\n]*: the recorded run before it is whole and was compared in full\n$" "bytes after the trailer")
hio(diff ${WORK}/a.hioj ${WORK}/twice.hioj --json EXIT 2)
string(JSON result GET "${out}" result)
string(JSON digest GET "${out}" actual_digest)
if(NOT result STREQUAL "damaged" OR NOT digest MATCHES "^[0-9a-f]+$")
  message(FATAL_ERROR "diff --json of bytes after the trailer:\n${out}")
endif()
# Two runs whose events agree but that ended differently (xjrn28 L1: "same",
# nothing said of the trailers): a line per field of the run's end that
# differs, after the verdict (the trailer comes last), the exit the events'.
hio(run ${SCENARIOS}/nested_groups.toml --record ${WORK}/ng2.hioj EXIT 0)
hio(run ${SCENARIOS}/nested_groups.toml --set run.limit=5s --record ${WORK}/ng5.hioj EXIT 0)
hio(diff ${WORK}/ng2.hioj ${WORK}/ng5.hioj EXIT 0)
require("${out}" "\nsame: 0 events, digest [0-9a-f]+\ntrailer differs: passes: 200 vs 500\ntrailer differs: end_tyme: 2 vs 5\n$" "trailers that differ")
hio(diff ${WORK}/ng2.hioj ${WORK}/ng5.hioj --json EXIT 0)
string(JSON result GET "${out}" result)
string(JSON lines LENGTH "${out}" trailer_differences)
string(JSON line GET "${out}" trailer_differences 1)
if(NOT result STREQUAL "same" OR NOT lines EQUAL 2 OR NOT line STREQUAL "end_tyme: 2 vs 5")
  message(FATAL_ERROR "diff --json of trailers that differ:\n${out}")
endif()
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --json EXIT 0)
string(JSON lines LENGTH "${out}" trailer_differences)
if(NOT lines EQUAL 0)
  message(FATAL_ERROR "diff --json of a journal with itself: trailer_differences\n${out}")
endif()
# A journal that cannot be opened, or has no header: still the one object.
hio(diff ${WORK}/missing.hioj ${WORK}/a.hioj --json EXIT 2)
string(JSON result GET "${out}" result)
string(JSON expected_kind GET "${out}" expected_error kind)
string(JSON actual_error TYPE "${out}" actual_error)
string(JSON compared GET "${out}" events_compared)
if(NOT result STREQUAL "damaged" OR expected_kind STREQUAL "" OR NOT actual_error STREQUAL "NULL"
   OR NOT compared EQUAL 0 OR NOT err MATCHES "missing.hioj")
  message(FATAL_ERROR "diff --json of a missing journal:\n${out}\n${err}")
endif()
hio(diff ${WORK}/a.hioj /dev/null --json EXIT 2)
string(JSON result GET "${out}" result)
string(JSON actual_kind GET "${out}" actual_error kind)
if(NOT result STREQUAL "damaged" OR actual_kind STREQUAL "")
  message(FATAL_ERROR "diff --json of an empty journal:\n${out}")
endif()

# --ignore-addresses: a real capture and the same capture with every address
# moved to 127.0.0.2 (what a second capture's other ports are).
hio(run ${SCENARIOS}/tcp_loopback_real.toml --set run.limit=200ms --record ${WORK}/real.hioj EXIT 0 1)
execute_process(COMMAND ${EDIT} addresses ${WORK}/real.hioj ${WORK}/moved.hioj "127.0.0.1:" "127.0.0.2:"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "journal-edit addresses failed")
endif()
hio(diff ${WORK}/real.hioj ${WORK}/moved.hioj EXIT 3)
require("${out}" "^header differs: channels: [^\n]* address \"tcp://127.0.0.1:[0-9]+\" vs \"tcp://127.0.0.2:[0-9]+\"\n" "addresses differ in the table")
hio(diff ${WORK}/real.hioj ${WORK}/moved.hioj --ignore-addresses EXIT 0)
require("${out}" "^same: [0-9]+ events, digest [0-9a-f]+ vs [0-9a-f]+ \\(addresses not compared\\)\n$" "--ignore-addresses same")
hio(diff ${WORK}/real.hioj ${WORK}/moved.hioj --ignore-addresses --json EXIT 0)
string(JSON ignore GET "${out}" ignore_addresses)
string(JSON headers LENGTH "${out}" header_differences)
if(NOT ignore STREQUAL "ON" AND NOT ignore STREQUAL "true" OR NOT headers EQUAL 0)
  message(FATAL_ERROR "diff --ignore-addresses --json:\n${out}")
endif()
# ... but not the bytes.
execute_process(COMMAND ${EDIT} rx-byte ${WORK}/moved.hioj ${WORK}/moved-rx.hioj 0 RESULT_VARIABLE rc)
hio(diff ${WORK}/real.hioj ${WORK}/moved-rx.hioj --ignore-addresses --all EXIT 3)
require("${out}" "^first divergence at event [0-9]+: [^\n]*: bytes differs\n" "--ignore-addresses still compares bytes")
require("${out}" "\n1 divergence in all" "--ignore-addresses: the one divergence")
