#!/usr/bin/python3
"""How well does a latency table steer? Scores tables against measured RTTs.

Clients are placed at each AWS region's location (the 32 regions that the
cloudping.co inter-region matrix covers); the matrix
(shared/data/latency/aws_interregion_p50_1y.csv, p50 over a year) is the
ground truth: the RTT from client c to region r is the p50 from c's region
to r. For each client and each candidate-set size k (2, 4, 8), random
k-subsets of the other regions are the members of a latency record set;
the table's ranking for the client's network picks the first member, as
steerdns does (geo::PickLatency). Reported per k:

  hit     share of queries sent to the truly fastest candidate (ties count)
  extra   mean extra RTT over the fastest candidate, ms
  p90     90th percentile of the extra RTT, ms

Tables are built with steer-latency-build from a locations CSV that gives
each client its own /24 (198.18.i.0/24, the benchmarking range) at its
region's coordinates, and then read back and looked up here with an
independent longest-prefix match:

  distance only     the model RTT = a + b*km (default 10 ms + 15.7 ms/1000 km)
  measured N%       plus `--measured` overrides for a random N% of the
                    (client, region) pairs, taken from the matrix: those
                    pairs are exact by construction; the rest stay modeled

With a straight-line model the ranking is simply "nearest first" (a and b
only set the RTT values); the fit matters where measured RTTs compete with
modeled ones in one row.

Usage: bench/latency_accuracy.py [--builder build/tools/steer-latency-build]
         [--matrix FILE] [--regions FILE] [--sets 400] [--seed 1]
         [--include-own] [--measured-shares 25,50,100] [--keep DIR]
Standard library only. Prints a markdown table.
"""

import argparse
import csv
import ipaddress
import itertools
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_matrix(path):
    m = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            m[(row["src"], row["dst"])] = float(row["p50_ms"])
    return m


def read_regions(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            lat = row.get("latitude", row.get("lat", ""))
            lon = row.get("longitude", row.get("lon", ""))
            if lat and lon:
                out[row["region"]] = (float(lat), float(lon))
    return out


def read_table(path):
    """network -> [(rtt, region)], ranked as geo::LatencyTable ranks."""
    rows = {}
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        assert header == ["network", "region", "rtt_ms"], header
        for net, region, rtt in r:
            rows.setdefault(ipaddress.ip_network(net), []).append((float(rtt), region))
    for v in rows.values():
        v.sort()
    return rows


def lookup(table, addr):
    """Longest-prefix match of addr over the table's networks."""
    a = ipaddress.ip_address(addr)
    best = None
    for net in table:
        if net.version == a.version and a in net:
            if best is None or net.prefixlen > best.prefixlen:
                best = net
    return [region for _, region in table[best]] if best is not None else []


def build(builder, args, out):
    cmd = [builder] + args + ["--out", out]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {res.stderr.strip()}")
    return res.stdout


def score(ranking_of, clients, matrix, sizes, sets, seed, include_own):
    """{k: (hit share, mean extra, p90 extra, fallbacks)}."""
    rng = random.Random(seed)
    out = {}
    for k in sizes:
        extras, hits, fallbacks = [], 0, 0
        for c in clients:
            pool = [r for r in clients if include_own or r != c]
            combos = list(itertools.combinations(pool, k)) if k == 2 else None
            draws = combos if combos is not None and len(combos) <= sets else [
                tuple(rng.sample(pool, k)) for _ in range(sets)]
            rank = {r: i for i, r in enumerate(ranking_of[c])}
            for cand in draws:
                ranked = [r for r in cand if r in rank]
                if ranked:
                    pick = min(ranked, key=lambda r: rank[r])
                else:
                    pick = cand[0]  # the policy's fallback: record order
                    fallbacks += 1
                best = min(matrix[(c, r)] for r in cand)
                extra = matrix[(c, pick)] - best
                extras.append(extra)
                hits += extra <= 1e-9
        extras.sort()
        n = len(extras)
        out[k] = (hits / n, sum(extras) / n, extras[min(n - 1, int(0.9 * n))], fallbacks)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builder", default=os.path.join(ROOT, "build/tools/steer-latency-build"))
    ap.add_argument("--matrix", default=os.path.join(
        ROOT, "../shared/data/latency/aws_interregion_p50_1y.csv"))
    ap.add_argument("--regions", default=os.path.join(ROOT, "data/aws_regions.csv"))
    ap.add_argument("--sets", type=int, default=400, help="random sets per client and k")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--include-own", action="store_true",
                    help="candidate sets may contain the client's own region")
    ap.add_argument("--measured-shares", default="25,50,100")
    ap.add_argument("--keep", help="keep the generated files in this directory")
    a = ap.parse_args()

    matrix = read_matrix(a.matrix)
    coords = read_regions(a.regions)
    clients = sorted({s for s, _ in matrix} & set(coords))
    if len(clients) > 250:
        sys.exit("too many clients for one /24 each")
    work = a.keep or tempfile.mkdtemp(prefix="latency_accuracy_")
    os.makedirs(work, exist_ok=True)
    net_of = {c: f"198.18.{i}.0/24" for i, c in enumerate(clients)}
    addr_of = {c: f"198.18.{i}.1" for i, c in enumerate(clients)}
    loc = os.path.join(work, "clients.csv")
    with open(loc, "w") as f:
        f.write("network,latitude,longitude\n")
        for c in clients:
            f.write(f"{net_of[c]},{coords[c][0]},{coords[c][1]}\n")

    base = ["--geoip", loc, "--regions", a.regions]
    variants = [("distance only", base, "")]
    # The model fitted to this matrix (in-sample: it is where the default
    # comes from), to show the fit.
    fit_out = build(a.builder, base + ["--fit-matrix", a.matrix], os.path.join(work, "fit.csv"))
    fit_line = next((l for l in fit_out.splitlines() if l.startswith("fit: ")), "")
    rng = random.Random(a.seed)
    # With the own region allowed as a candidate, its (intra-region) RTT is
    # a pair like any other.
    pairs = [(c, r) for c in clients for r in clients if a.include_own or r != c]
    for share in [int(x) for x in a.measured_shares.split(",") if x]:
        chosen = rng.sample(pairs, round(len(pairs) * share / 100))
        path = os.path.join(work, f"measured_{share}.csv")
        with open(path, "w") as f:
            f.write("client,region,rtt_ms\n")
            for c, r in sorted(chosen):
                f.write(f"{net_of[c]},{r},{matrix[(c, r)]}\n")
        variants.append((f"measured {share}% of pairs", base + ["--measured", path],
                         f"{len(chosen)} pairs"))

    sizes = (2, 4, 8)
    print(f"clients: {len(clients)} (at the AWS regions with cloudping data); "
          f"candidate sets per client and k: {a.sets} random "
          f"(k=2: all pairs); own region {'allowed' if a.include_own else 'excluded'}")
    if fit_line:
        print(fit_line)
    print()
    head = "| table | " + " | ".join(f"k={k} hit | k={k} extra ms | k={k} p90 ms" for k in sizes) + " |"
    print(head)
    print("|" + "---|" * (1 + 3 * len(sizes)))
    for name, args, note in variants:
        out = os.path.join(work, name.replace(" ", "_").replace("%", "pct") + ".csv")
        build(a.builder, args, out)
        table = read_table(out)
        ranking_of = {c: lookup(table, addr_of[c]) for c in clients}
        res = score(ranking_of, clients, matrix, sizes, a.sets, a.seed, a.include_own)
        cells = []
        for k in sizes:
            hit, extra, p90, fb = res[k]
            cells.append(f"{100 * hit:.1f}% | {extra:.2f} | {p90:.1f}")
            if fb:
                cells[-1] += f" ({fb} unranked)"
        label = name + (f" ({note})" if note else "")
        print(f"| {label} | " + " | ".join(cells) + " |")
    if not a.keep:
        for fn in os.listdir(work):
            os.remove(os.path.join(work, fn))
        os.rmdir(work)


if __name__ == "__main__":
    main()
