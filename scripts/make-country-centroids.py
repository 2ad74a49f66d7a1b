#!/usr/bin/python3
"""Writes data/country_centroids.csv: one representative point per country.

Source: the tz database's zone.tab and iso3166.tab (public domain), as
shipped by Debian's `tzdata` in /usr/share/zoneinfo/. zone.tab has one row
per (country, timezone) with the coordinates of the zone's principal
location (ISO 6709, degrees-minutes[-seconds]).

The point for a country is:
  - the principal location of its only zone, or
  - for a country with several zones, the zone named in PREFERRED (the
    zone of the country's largest city, where zone.tab's first zone is not
    it: Lord Howe Island is not where Australians live), else the first
    zone zone.tab lists for it;
  - codes that zone.tab lacks but IP geolocation data uses (EXTRA) take
    the point of a zone named here, with the reason.

So this is a *population-weighted guess* at where a country's traffic comes
from (its main city), not a geometric centroid: for latency that is the
better stand-in (the geometric centroid of Canada is in Nunavut).

Usage: scripts/make-country-centroids.py [ZONEINFO_DIR] > data/country_centroids.csv
"""

import sys

# Countries with several zones whose first zone.tab entry is not the zone of
# the largest city.
PREFERRED = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}

# Codes found in IP geolocation data (tor-geoipdb, GeoLite2) that are not
# ISO 3166 countries in zone.tab: code -> (zone whose point it takes, why).
EXTRA = {
    "UK": ("Europe/London", "non-ISO alias of GB"),
    "EU": ("Europe/Brussels", "RIR code for 'Europe'; seat of the EU institutions"),
    "AP": ("Asia/Singapore", "RIR code for 'Asia/Pacific'; the region's main interconnection hub"),
    "CS": ("Europe/Belgrade", "former Serbia and Montenegro; its capital"),
    "AN": ("America/Curacao", "former Netherlands Antilles; its capital"),
    "SU": ("Europe/Moscow", "former Soviet Union; its capital"),
    "AB": ("Asia/Tbilisi", "Abkhazia (non-ISO); Georgia's point"),
    "OS": ("Asia/Tbilisi", "South Ossetia (non-ISO); Georgia's point"),
}


def parse_iso6709(s):
    """'+4043-07400' or '+404251-0740023' -> (lat, lon) in decimal degrees."""
    # Split at the sign that starts the longitude.
    i = max(s.rfind("+"), s.rfind("-"))
    lat_s, lon_s = s[:i], s[i:]

    def conv(v, deg_digits):
        sign = -1.0 if v[0] == "-" else 1.0
        d = v[1:]
        deg = int(d[:deg_digits])
        mins = int(d[deg_digits:deg_digits + 2])
        secs = int(d[deg_digits + 2:deg_digits + 4]) if len(d) > deg_digits + 2 else 0
        return sign * (deg + mins / 60.0 + secs / 3600.0)

    return conv(lat_s, 2), conv(lon_s, 3)


def main():
    zdir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/zoneinfo"
    zones = {}  # code -> [(zone, lat, lon)] in file order
    by_zone = {}
    with open(f"{zdir}/zone.tab", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            code, coords, zone = cols[0], cols[1], cols[2]
            lat, lon = parse_iso6709(coords)
            zones.setdefault(code, []).append((zone, lat, lon))
            by_zone[zone] = (lat, lon)
    names = {}
    with open(f"{zdir}/iso3166.tab", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")[:2]
            names[code] = name

    rows = []
    for code in sorted(zones):
        cands = zones[code]
        pick = cands[0]
        basis = "only zone" if len(cands) == 1 else "first zone"
        if code in PREFERRED:
            want = PREFERRED[code]
            pick = next(c for c in cands if c[0] == want)
            basis = "zone of the largest city"
        rows.append((code, pick[1], pick[2], f"{pick[0]} ({basis})"))
    for code, (zone, why) in sorted(EXTRA.items()):
        lat, lon = by_zone[zone]
        rows.append((code, lat, lon, f"{zone} ({why})"))

    out = sys.stdout
    out.write("country,latitude,longitude,basis\n")
    for code, lat, lon, basis in rows:
        out.write(f"{code},{lat:.4f},{lon:.4f},{basis}\n")
    missing = sorted(set(names) - set(zones))
    if missing:
        sys.stderr.write(f"no zone (left out): {' '.join(missing)}\n")


if __name__ == "__main__":
    main()
