# docs/performance.md, "hio inspect --channel given thousands of times": N
# udp_requester copies (N + 1 channels) making REQUESTS requests each.
# Usage: python3 channels.py N [REQUESTS] > chan.toml; hio run chan.toml --record chan.hioj
import sys
n=int(sys.argv[1]); req=int(sys.argv[2]) if len(sys.argv)>2 else 5
print(f'''[run]
name="c"
tock="1ms"
limit="2s"
seed=1
[net]
hosts=["client","server"]
[[net.link]]
from="client"
to="server"
latency="5ms"
[[doer]]
kind="udp_responder"
name="server"
address="sim://server:7"
[[doer]]
kind="udp_requester"
name="client"
copies={n}
address="sim://client:0"
to="@server"
requests={req}
size=64
interval="100ms"
timeout="500ms"
''')
