# docs/performance.md, "Faults that cost what they touch": N hosts, no links, the
# first N/2 partitioned from the rest at 100 ms and healed at 500 ms.
# Usage: python3 partition.py N > partn.toml
import sys
n=int(sys.argv[1]); h=['"h%d"'%i for i in range(n)]
print('[run]\nname="m"\ntock="1ms"\nlimit="1s"\nseed=1\n[net]\nhosts=[%s]\n' % ','.join(h))
print('[[net.fault]]\naction="partition"\nat="100ms"\nfrom=[%s]\nto=[%s]\n' % (','.join(h[:n//2]), ','.join(h[n//2:])))
print('[[net.fault]]\naction="heal"\nat="500ms"\nfrom=[%s]\nto=[%s]\n' % (','.join(h[:n//2]), ','.join(h[n//2:])))
print('''[[doer]]
kind="udp_responder"
name="server"
address="sim://h0:7"
''')
