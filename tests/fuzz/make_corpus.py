#!/usr/bin/env python3
"""Writes the seed corpus for query_fuzz: a few well-formed queries of each
kind the server answers, and a few malformed ones. Deterministic; rerun to
regenerate tests/fuzz/corpus/query/."""
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "query")


def name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def query(qname, qtype, flags=0x0100, qd=1, an=0, ns=0, ar=0, extra=b"", qclass=1):
    hdr = struct.pack("!HHHHHH", 0xBEEF, flags, qd, an, ns, ar)
    return hdr + name(qname) + struct.pack("!HH", qtype, qclass) + extra


def opt(udp=1232, version=0, do=False, options=b""):
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\x00" + struct.pack("!HHIH", 41, udp, ttl, len(options)) + options


def ecs(family, source, addr, scope=0):
    body = struct.pack("!HBB", family, source, scope) + bytes(addr)
    return struct.pack("!HH", 8, len(body)) + body


SEEDS = {
    "a_www": query("www.example.com", 1),
    "aaaa_www": query("www.example.com", 28),
    "mx_apex": query("example.com", 15),
    "ns_apex": query("example.com", 2),
    "soa_apex": query("example.com", 6),
    "any_www": query("www.example.com", 255),
    "nx": query("nothere.example.com", 1),
    "cname": query("web.example.com", 1),
    "wild": query("x.apps.example.com", 1),
    "referral": query("host.sub.example.com", 1),
    "refused": query("www.example.org", 1),
    "axfr": query("example.com", 252),
    "edns": query("www.example.com", 1, ar=1, extra=opt()),
    "edns_do": query("big.example.com", 16, ar=1, extra=opt(4096, do=True)),
    "ecs_v4": query("www.example.com", 1, ar=1, extra=opt(options=ecs(1, 24, [198, 51, 100]))),
    "ecs_v6": query("www.example.com", 28, ar=1,
                    extra=opt(options=ecs(2, 48, [0x20, 0x01, 0x0d, 0xb8, 0, 1]))),
    "ecs_bad": query("www.example.com", 1, ar=1, extra=opt(options=ecs(1, 8, [10, 1]))),
    "badvers": query("www.example.com", 1, ar=1, extra=opt(version=1)),
    "notimp": query("www.example.com", 1, flags=(5 << 11)),
    "response": query("www.example.com", 1, flags=0x8000),
    "qd2": query("www.example.com", 1, qd=2),
    "trailing": query("www.example.com", 1) + b"\x00\x01",
    "pointer_loop": struct.pack("!HHHHHH", 1, 0, 1, 0, 0, 0) + b"\xc0\x0c" + b"\x00\x01\x00\x01",
    "runt": b"\x12\x34\x01",
    "big_txt": query("big.example.com", 16),
    "case": query("WwW.ExAmPlE.CoM", 1),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for key, data in SEEDS.items():
        with open(os.path.join(OUT, key), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
