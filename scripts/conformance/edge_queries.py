#!/usr/bin/python3
"""Header, flag, opcode, class and EDNS corner cases sent to several servers.

  edge_queries.py ZONE NAME PORT [NAME PORT]...

Sends each query (built with dnspython, or as raw bytes where dnspython will
not build it) over UDP to 127.0.0.1:PORT of every server and prints, per
case, each server's reply in short: rcode, opcode, header flags, whether the
reply has EDNS, and the section counts. Then the cases where the first
server differs from all others while those agree ("alone"), compared on
rcode, opcode, flags, EDNS presence and the answer count (the authority and
additional counts depend on each server's minimal-responses setting).
Exit status 1 if there is one not in KNOWN, else 0.
"""
import socket
import sys

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype


def cases(zone):
    mk = dns.message.make_query
    out = []

    def add(name, q):
        out.append((name, q))

    def raw(edit, **kw):
        w = bytearray(mk(zone, "SOA", **kw).to_wire())
        edit(w)
        return bytes(w)

    add("plain SOA", mk(zone, "SOA"))
    q = mk(zone, "SOA"); q.flags |= dns.flags.CD; add("CD set", q)
    q = mk(zone, "SOA"); q.flags |= dns.flags.AD; add("AD set", q)
    add("EDNS0", mk(zone, "SOA", use_edns=0))
    add("EDNS version 1", raw(lambda w: w.__setitem__(-5, 1), use_edns=0))
    add("unknown EDNS option", mk(zone, "SOA", use_edns=0,
                                  options=[dns.edns.GenericOption(65001, b"xx")]))
    add("EDNS Z flag", mk(zone, "SOA", use_edns=0, ednsflags=0x4000))
    add("EDNS client cookie", mk(zone, "SOA", use_edns=0,
                                 options=[dns.edns.GenericOption(10, b"12345678")]))
    add("EDNS NSID", mk(zone, "SOA", use_edns=0, options=[dns.edns.GenericOption(3, b"")]))
    add("EDNS size 100", mk(zone, "SOA", use_edns=0, payload=100))
    add("DO, name that does not exist", mk("nonexistent." + zone, "A", want_dnssec=True))
    for op in ("NOTIFY", "UPDATE", "IQUERY", "STATUS"):
        q = mk(zone, "SOA"); q.set_opcode(dns.opcode.from_text(op)); add("opcode " + op, q)
    add("version.bind CH TXT", mk("version.bind", "TXT", rdclass="CH"))
    add("id.server CH TXT", mk("id.server", "TXT", rdclass="CH"))
    add("QCLASS ANY", mk(zone, "SOA", rdclass="ANY"))
    add("QCLASS CH for the zone", mk(zone, "SOA", rdclass="CH"))
    add("QCLASS 42", mk(zone, "SOA", rdclass=dns.rdataclass.from_text("CLASS42")))
    for t in ("AXFR", "IXFR", "MAILB", "MAILA", "OPT", "TSIG", "TKEY", "TYPE0", "RRSIG",
              "NSEC", "ANY"):
        add("QTYPE " + t + (" over UDP" if t.endswith("XFR") else ""),
            mk(zone, dns.rdatatype.from_text(t)))
    add("mixed-case name", mk(zone.upper(), "SOA"))
    add("QR set (a response)", raw(lambda w: w.__setitem__(2, w[2] | 0x80)))
    add("QDCOUNT 0", raw(lambda w: (w.__setitem__(slice(4, 6), b"\0\0"),
                                    w.__delitem__(slice(12, None)))))
    add("QDCOUNT 2", raw(lambda w: (w.__setitem__(slice(4, 6), b"\0\2"),
                                    w.extend(w[12:]))))
    add("Z bit", raw(lambda w: w.__setitem__(3, w[3] | 0x40)))
    add("RCODE 15 in the query", raw(lambda w: w.__setitem__(3, w[3] | 0x0F)))
    add("TC in the query", raw(lambda w: w.__setitem__(2, w[2] | 0x02)))
    add("AA in the query", raw(lambda w: w.__setitem__(2, w[2] | 0x04)))
    add("RA in the query", raw(lambda w: w.__setitem__(3, w[3] | 0x80)))
    rr = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x01\x02\x03\x04"
    add("ANCOUNT 1 in the query", raw(lambda w: (w.__setitem__(slice(6, 8), b"\0\1"),
                                                 w.extend(rr))))
    add("NSCOUNT 1 in the query", raw(lambda w: (w.__setitem__(slice(8, 10), b"\0\1"),
                                                 w.extend(rr))))
    opt = mk(zone, "SOA", use_edns=0).to_wire()[-11:]
    add("two OPT records", raw(lambda w: (w.__setitem__(slice(10, 12), b"\0\2"),
                                          w.extend(opt)), use_edns=0))
    add("two bytes after the question", raw(lambda w: w.extend(b"\0\0")))
    return out


# Where steerdns is alone on purpose, and why; reported, not counted.
KNOWN = {
    "two OPT records": "RFC 6891 6.1.1: a request with an OPT record gets one "
                       "back; NSD, Knot and BIND leave it out of this FORMERR",
}


def ask(port, q):
    wire = q if isinstance(q, bytes) else q.to_wire()
    data = None
    for _ in range(2):  # a second chance for a server slowed by load
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.5)
        try:
            s.sendto(wire, ("127.0.0.1", port))
            data = s.recv(65535)
            break
        except socket.timeout:
            pass
        finally:
            s.close()
    if data is None:
        return ("no reply",), "no reply"
    try:
        r = dns.message.from_wire(data)
    except Exception as e:  # a reply dnspython cannot read
        return ("unreadable",), f"unreadable reply ({e.__class__.__name__})"
    edns = "EDNS" if r.edns >= 0 else "-"
    key = (dns.rcode.to_text(r.rcode()), dns.opcode.to_text(r.opcode()),
           dns.flags.to_text(r.flags), edns, len(r.answer))
    text = (f"{key[0]:8} {key[1]:6} [{key[2]}] {edns:4} "
            f"an={len(r.answer)} ns={len(r.authority)} ar={len(r.additional)}")
    return key, text


def main():
    zone = sys.argv[1]
    servers = list(zip(sys.argv[2::2], map(int, sys.argv[3::2])))
    alone = []
    for name, q in cases(zone):
        print(name)
        keys = {}
        for server, port in servers:
            keys[server], text = ask(port, q)
            print(f"    {server:9} {text}")
        first = servers[0][0]
        others = {k for s, k in keys.items() if s != first}
        if len(others) == 1 and keys[first] not in others:
            alone.append(name)
    print()
    unknown = [name for name in alone if name not in KNOWN]
    print(f"{servers[0][0]} differs from all the others, which agree: {len(alone)}"
          f" ({len(alone) - len(unknown)} known)")
    for name in alone:
        print(f"    {name}" + (f"  (known: {KNOWN[name]})" if name in KNOWN else ""))
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
