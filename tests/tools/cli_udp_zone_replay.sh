#!/bin/sh
# A journal of a link-local UDP exchange replays the same on any machine
# (xrev20 finding 1). Recorded in a private network namespace (unshare -rn: a
# veth pair whose end hz0 has fe80::1), with the requester's `to` naming the
# zone by number (hz0's index) and the responder's by name; replayed outside
# it (no hz0 here) and in another namespace without it: "identical" each time.
# Unfixed: a reply's sender was journaled as Boost writes it ("%hz0"), and
# the requester compared it with its `to` ("%3") through if_nametoindex on the
# replaying machine: without hz0 every reply was foreign and the replay
# diverged. Skipped (77) where an unprivileged namespace or veth is not to be had.
# Usage: cli_udp_zone_replay.sh HIO WORK
set -u
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
command -v unshare > /dev/null && command -v ip > /dev/null || { echo "no unshare or ip"; exit 77; }
# The index hz0 gets in a fresh namespace (lo is 1; a veth pair takes two).
timeout 20 unshare -rn sh -c 'ip link add hz0 type veth peer name hz1 && ip link set hz1 up &&
  ip link set hz0 up && ip -o link show hz0 | cut -d: -f1' > index 2> setup.err ||
  { echo "no namespace with a veth pair:"; cat setup.err; exit 77; }
INDEX=$(cat index)
cat > zone.toml << EOF
[run]
mode = "real"
tock = "2ms"
limit = "300ms"
[[doer]]
kind = "udp_responder"
name = "dev"
address = "udp://[fe80::1%hz0]:47312"
[[doer]]
kind = "udp_requester"
name = "gw"
address = "udp://[fe80::1%hz0]:0"
to = "[fe80::1%$INDEX]:47312"
requests = 5
interval = "10ms"
timeout = "100ms"
[[expect]]
final = "gw.responses == 5"
[[expect]]
final = "gw.foreign == 0"
EOF
timeout 60 unshare -rn sh -c 'ip link set lo up && ip link add hz0 type veth peer name hz1 && ip link set hz1 up &&
  ip link set hz0 up && ip -6 addr add fe80::1/64 dev hz0 nodad && "$1" run zone.toml --record zone.hioj' \
  sh "$HIO" > run.out 2>&1 || { echo "the recording failed:"; cat run.out; exit 1; }
grep -q "2 of 2 passed" run.out || { echo "the recording did not pass:"; cat run.out; exit 1; }
timeout 60 "$HIO" replay zone.hioj > replay.out 2>&1 ||
  { echo "replay here (no hz0) diverged:"; cat replay.out; exit 1; }
timeout 60 unshare -rn "$HIO" replay zone.hioj > replay_ns.out 2>&1 ||
  { echo "replay in a namespace without hz0 diverged:"; cat replay_ns.out; exit 1; }
echo "ok: zone.hioj replays identically without its interface"
