#!/usr/bin/env python3
"""Writes the connection-churn scenario of docs/performance.md ("Replay memory
under connection churn") to stdout.

Usage: scripts/churn_scenario.py T > churn_T.toml

300 SimNet echo clients (a 10-byte message every 5 ms, reconnecting after
10 ms) against one echo server over a 2 ms link; the link is partitioned and
healed every 200 ms, and `stall_timeout = "50ms"` fails the stalled
connections, so the clients reconnect all the time. The run lasts T seconds.
"""
import sys


def scenario(seconds):
    parts = [
        '[run]\nname="churn"\ntock="1ms"\nlimit="%ds"\n' % seconds,
        '[net]\nhosts=["client","server"]\nclient_host="client"\nstall_timeout="50ms"\n',
        '[[net.link]]\nfrom="client"\nto="server"\nlatency="2ms"\n',
    ]
    for i in range(seconds * 5):
        action = "partition" if i % 2 == 0 else "heal"
        parts.append('[[net.fault]]\naction="%s"\nat="%dms"\nfrom="client"\nto="server"\n'
                     % (action, i * 200 + 100))
    parts.append('[[doer]]\nkind="echo_server"\nname="server"\naddress="sim://server:7"\n')
    parts.append('[[doer]]\nkind="echo_client"\nname="c"\naddress="@server"\ncopies=300\n'
                 'messages=1000000\nsize=10\ninterval="5ms"\nretry="10ms"\n')
    return "\n".join(parts)


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write("usage: churn_scenario.py SECONDS (a whole number, at least 1)\n")
        return 2
    print(scenario(int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
