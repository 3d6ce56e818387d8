#!/usr/bin/env python3
"""Seeded generator of random but valid hio scenarios (docs/scenarios.md's kinds and keys).

scenario_gen.py SEED  -> prints a TOML scenario on stdout (its --set overrides on stderr);
the same SEED gives the same text. gen(seed) -> (text, sets). Seeds from 10000 on are
"hard": odd tocks, tiny buffers and segments, slow links, 300 KB messages.
Used by generated_scenarios.py (ctest); a copy of session 23's explorer tool.
"""
import random
import sys

TOCKS = ["1ms", "2ms", "5ms", "10ms", "31.25ms"]
HARD_TOCKS = ["1ns", "333us", "0.7ms", "3.3ms", "7ms", "100ms", "1s"]


def prob(r, hi=0.2):
    return round(r.uniform(0, hi), 3)


def dur(r, lo_ms, hi_ms):
    return f"{r.randint(lo_ms, hi_ms)}ms"


def link_keys(r, datagrams):
    keys = {}
    if r.random() < 0.8:
        keys["latency"] = dur(r, 0, 30)
    if r.random() < 0.5:
        keys["jitter"] = dur(r, 0, 10)
    if r.random() < 0.3:
        keys["bandwidth"] = r.choice([300, 9600, 64000, 1000000, 10000000])
    if r.random() < 0.2:
        keys["queue_bytes_max"] = r.choice([1, 100, 2048, 16384, 262144])
    if datagrams:
        for k in ("loss", "duplicate", "corrupt"):
            if r.random() < 0.4:
                keys[k] = prob(r)
        if r.random() < 0.3:
            keys["reorder"] = prob(r)
            keys["reorder_delay"] = dur(r, 1, 20)
    return keys


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return '"' + v + '"'


def table(header, keys, indent=""):
    out = [f"{indent}{header}"]
    for k, v in keys.items():
        out.append(f"{indent}{k} = {fmt(v)}")
    return "\n".join(out) + "\n\n"


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.hard = seed >= 10000  # seeds from 10000 on: odd tocks, tiny buffers, slow links
        self.tocks = TOCKS + HARD_TOCKS if self.hard else TOCKS
        self.seed = seed
        self.names = 0
        self.counters = []  # (doer name, counter)
        self.listeners = []  # names of sim:// stream listeners (per copy)
        self.responders = []
        self.ports = {}

    def name(self, base):
        self.names += 1
        return f"{base}{self.names}"

    def port(self, host):
        p = self.ports.get(host, 7000) + 1
        self.ports[host] = p
        return p

    def doers(self, depth, prefix, budget):
        """Returns a list of (keys, children) for `budget` doers."""
        r = self.r
        out = []
        for _ in range(budget):
            kinds = ["ticker"] * 2
            if self.hosts:
                kinds += ["echo", "udp", "echo"]
            if self.serial_pairs:
                kinds += ["serial"]
            if depth < 3:
                kinds += ["group"]
            k = r.choice(kinds)
            if k == "ticker":
                n = self.name("t")
                keys = {"kind": "ticker", "name": n}
                if r.random() < 0.5:
                    keys["tock"] = r.choice(self.tocks + ["0"])
                if r.random() < 0.6:
                    keys["count"] = r.randint(0, 30)
                if r.random() < 0.2:
                    keys["copies"] = r.randint(1, 5)
                self.counters.append((n, "runs"))
                out.append((keys, []))
            elif k == "group":
                n = self.name("g")
                keys = {"kind": "group", "name": n}
                if r.random() < 0.4:
                    keys["tock"] = r.choice(self.tocks)
                if r.random() < 0.3:
                    keys["always"] = r.random() < 0.5
                out.append((keys, self.doers(depth + 1, prefix, r.randint(1, 3))))
            elif k == "echo":
                sh = r.choice(self.hosts)
                sn = self.name("srv")
                skeys = {"kind": "echo_server", "name": sn,
                         "address": f"sim://{sh}:{self.port(sh)}"}
                if r.random() < 0.2:
                    skeys["idle_timeout"] = dur(r, 100, 800)
                if self.hard and r.random() < 0.3:
                    skeys["remotes_max"] = r.randint(1, 3)
                if self.hard and r.random() < 0.3:
                    skeys["rx_bytes_max"] = r.choice([1, 7, 100, 4096])
                if self.hard and r.random() < 0.3:
                    skeys["tx_bytes_max"] = r.choice([1, 7, 100, 4096])
                out.append((skeys, []))
                self.counters += [(sn, "accepted"), (sn, "remotes")]
                cn = self.name("cli")
                ckeys = {"kind": "echo_client", "name": cn, "address": f"@{sn}",
                         "messages": r.randint(0, 12), "size": r.choice([1, 8, 32, 200, 5000] + ([70000, 300000] if self.hard else []))}
                if self.hard and r.random() < 0.3:
                    ckeys["connect_timeout"] = dur(r, 1, 100)
                if self.hard and r.random() < 0.3:
                    ckeys["rx_bytes_max"] = r.choice([1, 7, 100, 4096])
                if self.hard and r.random() < 0.3:
                    ckeys["tx_bytes_max"] = r.choice([1, 7, 100, 4096])
                if r.random() < 0.5:
                    ckeys["interval"] = dur(r, 0, 50)
                if r.random() < 0.3:
                    ckeys["retry"] = dur(r, 50, 300)
                ckeys["host"] = r.choice(self.hosts)
                if r.random() < 0.3:
                    ckeys["copies"] = r.randint(1, 4)
                out.append((ckeys, []))
                self.counters += [(cn, c) for c in ("sent_messages", "echoed", "mismatches", "connections")]
            elif k == "udp":
                sh = r.choice(self.hosts)
                sn = self.name("resp")
                out.append(({"kind": "udp_responder", "name": sn,
                             "address": f"sim://{sh}:{self.port(sh)}"}, []))
                self.counters += [(sn, "rx_messages"), (sn, "tx_messages")]
                cn = self.name("req")
                ckeys = {"kind": "udp_requester", "name": cn,
                         "address": f"sim://{r.choice(self.hosts)}:0", "to": f"@{sn}",
                         "requests": r.randint(0, 40), "size": r.choice([10, 32, 500]),
                         "interval": dur(r, 0, 60), "timeout": dur(r, 50, 400)}
                if r.random() < 0.2:
                    ckeys["copies"] = r.randint(1, 3)
                out.append((ckeys, []))
                self.datagram_hosts.add(sh)
                self.counters += [(cn, c) for c in ("sent", "responses", "lost", "duplicates", "corrupt", "reordered", "late")]
            elif k == "serial":
                if not self.serial_free:
                    out.append(({"kind": "ticker", "name": self.name("t"), "count": 3}, []))
                    continue
                a, b = self.serial_free.pop()
                baud = r.choice([1200, 9600, 115200])
                en = self.name("sec")
                ekeys = {"kind": "serial_echo", "name": en, "address": f"sim-serial://{b}?baud={baud}"}
                sn = self.name("ser")
                skeys = {"kind": "serial_sender", "name": sn, "address": f"sim-serial://{a}?baud={baud}",
                         "lines": r.randint(0, 20), "size": r.choice([8, 20, 40]),
                         "interval": dur(r, 10, 80), "drain": dur(r, 100, 600)}
                if r.random() < 0.4:
                    ekeys["retry"] = skeys["retry"] = dur(r, 50, 300)
                out += [(ekeys, []), (skeys, [])]
                self.counters += [(sn, c) for c in ("lines_sent", "lines_intact", "lines_damaged", "connections")]
        return out

    def emit_doers(self, doers, depth):
        text = ""
        header = "[[" + ".".join(["doer"] * depth) + "]]"
        ind = "  " * (depth - 1)
        for keys, children in doers:
            text += table(header, keys, ind)
            text += self.emit_doers(children, depth + 1)
        return text

    def make(self):
        r = self.r
        text = "[run]\n"
        text += f'name = "gen-{self.seed}"\n'
        text += f'tock = "{r.choice([t for t in self.tocks if t not in ("1ns", "333us")])}"\n'
        text += f'limit = "{r.choice(["200ms", "500ms", "1s", "2s", "3s"])}"\n'
        text += f"seed = {r.randint(0, 1000)}\n\n"
        self.hosts = []
        self.serial_pairs = []
        self.datagram_hosts = set()
        use_net = r.random() < 0.85
        net = ""
        if use_net:
            self.hosts = [f"h{i}" for i in range(r.randint(1, 4))]
            net += "[net]\n" + f"hosts = {fmt(self.hosts)}\n"
            if r.random() < 0.3:
                net += f'stall_timeout = "{r.choice(["0", "500ms", "2s"])}"\n'
            if r.random() < 0.2:
                net += f"segment_bytes_max = {r.choice([1, 100, 1460, 16384])}\n"
            if self.hard and r.random() < 0.3:
                net += f"listen_backlog = {r.randint(1, 3)}\n"
            if self.hard and r.random() < 0.3:
                net += f"receive_buffer_bytes = {r.choice([1, 10, 600])}\n"
            net += "\n"
            for i in range(r.randint(0, 2)):
                self.serial_pairs.append((f"ttyA{i}", f"ttyB{i}"))
            self.serial_free = list(self.serial_pairs)
        doers = self.doers(1, "", r.randint(1, 5))
        if use_net:
            dg = bool(self.datagram_hosts)
            if r.random() < 0.4:
                keys = link_keys(r, dg)
                if keys:
                    net += table("[net.default_link]", keys)
            for _ in range(r.randint(0, 3)):
                if len(self.hosts) < 2:
                    break
                a, b = r.sample(self.hosts, 2)
                keys = {"from": a, "to": b}
                if r.random() < 0.3:
                    keys["way"] = "one_way"
                keys.update(link_keys(r, dg))
                net += table("[[net.link]]", keys)
            for a, b in self.serial_pairs:
                keys = {"a": a, "b": b, "latency": dur(r, 0, 5)}
                if r.random() < 0.5:
                    keys["bit_error"] = prob(r, 0.002)
                if r.random() < 0.4:
                    keys["byte_drop"] = prob(r, 0.01)
                if r.random() < 0.3:
                    keys["chunk_bytes"] = r.choice([1, 4, 16, 64])
                net += table("[[net.serial]]", keys)
            # faults, in a consistent order so no warning-only heal is required
            for _ in range(r.randint(0, 3)):
                t0 = r.randint(50, 1500)
                choice = r.random()
                if len(self.hosts) >= 2 and choice < 0.35:
                    a, b = r.sample(self.hosts, 2)
                    net += table("[[net.fault]]", {"action": "partition", "at": f"{t0}ms", "from": [a], "to": [b]})
                    net += table("[[net.fault]]", {"action": "heal", "at": f"{t0 + r.randint(10, 800)}ms", "from": [a], "to": [b]})
                elif self.hosts and choice < 0.6:
                    h = r.choice(self.hosts)
                    net += table("[[net.fault]]", {"action": "host_down", "at": f"{t0}ms", "host": h})
                    net += table("[[net.fault]]", {"action": "host_up", "at": f"{t0 + r.randint(10, 800)}ms", "host": h})
                elif len(self.hosts) >= 2 and choice < 0.8:
                    a, b = r.sample(self.hosts, 2)
                    keys = {"action": "link", "at": f"{t0}ms", "from": a, "to": b}
                    keys.update(link_keys(r, bool(self.datagram_hosts)))
                    net += table("[[net.fault]]", keys)
                elif self.serial_pairs:
                    a, b = r.choice(self.serial_pairs)
                    if r.random() < 0.5:
                        net += table("[[net.fault]]", {"action": "unplug", "at": f"{t0}ms", "device": a})
                        net += table("[[net.fault]]", {"action": "plug", "at": f"{t0 + r.randint(10, 800)}ms", "device": a})
                    else:
                        net += table("[[net.fault]]", {"action": "serial", "at": f"{t0}ms", "device": b,
                                                       "latency": dur(r, 0, 5), "bit_error": prob(r, 0.005)})
            if self.hosts and len(self.hosts) > 1:
                net = net.replace("[net]\n", "[net]\n" + f'client_host = "{r.choice(self.hosts)}"\n', 1)
        text += net
        text += self.emit_doers(doers, 1)
        for n, c in self.counters[: r.randint(0, 6)]:
            form = r.random()
            if form < 0.6:
                text += table("[[expect]]", {"final": f"{n}.{c} >= 0"})
            elif form < 0.8:
                text += table("[[expect]]", {"always": f"{n}.{c} >= 0"})
            else:
                text += table("[[expect]]", {"condition": f"{n}.{c} >= 0", "by": "1s"})
        sets = []
        if r.random() < 0.3:
            sets.append(f"run.limit={r.choice(['300ms', '1s', '1.5s'])}")
        if r.random() < 0.2:
            sets.append(f"run.tock={r.choice([t for t in self.tocks if t not in ('1ns', '333us')])}")
        if use_net and r.random() < 0.3:
            sets.append(f"net.default_link.latency={dur(r, 0, 20)}")
        if use_net and self.datagram_hosts and r.random() < 0.2:
            sets.append(f"net.default_link.loss={prob(r)}")
        return text, sets


def gen(seed):
    return Gen(seed).make()


if __name__ == "__main__":
    text, sets = gen(int(sys.argv[1]))
    sys.stdout.write(text)
    if sets:
        sys.stderr.write(" ".join("--set " + s for s in sets) + "\n")
