# docs/performance.md, "Faults that cost what they touch": C idle echo
# connections while a host no connection uses goes down and up F times.
# Usage: python3 flap.py C F > flap.toml
import sys
n=int(sys.argv[1]); F=int(sys.argv[2])
print(f'''[run]
name="f"
tock="1ms"
limit="{F*10//1000+2}s"
seed=1
[net]
hosts=["client","server","other"]
client_host="client"
listen_backlog=1000000
[[net.link]]
from="client"
to="server"
latency="10ms"
''')
for i in range(F):
    print(f'[[net.fault]]\naction="{"host_down" if i%2==0 else "host_up"}"\nat="{100+i*10}ms"\nhost="other"\n')
print(f'''[[doer]]
kind="echo_server"
name="server"
address="sim://server:7"
[[doer]]
kind="echo_client"
name="client"
copies={n}
address="@server"
messages=1
size=10
''')
