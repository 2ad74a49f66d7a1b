#include "geo/build/location_table.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/file.h"
#include "base/string_view.h"
#include "geo/address.h"
#include "geo/build/build_internal.h"
#include "geo/csv_reader.h"
#include "geo/build/geoip_sources.h"
#include "geo/build/latency_builder.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;
namespace {

absl::Status RowError(std::string_view source, int line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(AV(source), ":", line, ": ", AV(what)));
}

absl::Status ParseCoordinate(std::string_view text, double limit,
                             std::string_view what, std::string_view source,
                             int line, double* out) {
  if (text.empty()) {
    return RowError(source, line, absl::StrCat("no ", AV(what)));
  }
  if (!absl::SimpleAtod(AV(text), out) || !std::isfinite(*out) ||
      *out < -limit || *out > limit) {
    return RowError(source, line,
                    absl::StrCat(AV(what), " '", AV(text),
                                 "' is not a number in -", limit, "..", limit));
  }
  return absl::OkStatus();
}

constexpr uint32_t kNoRow = 0xFFFFFFFFu;
using build_internal::PrefixFirst;
using build_internal::PrefixLast;

// A locations file lists disjoint networks (a /0 may stand beside them):
// InvalidArgument "source:line: network N overlaps M (line L)" otherwise.
absl::Status CheckDisjoint(const std::vector<std::pair<Prefix, uint32_t>>& networks,
                           const std::vector<int>& lines, std::string_view source) {
  std::vector<uint32_t> order(networks.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Prefix& x = networks[a].first;
    const Prefix& y = networks[b].first;
    if (x.is_v4() != y.is_v4()) return x.is_v4();
    return x < y;
  });
  const Prefix* prev = nullptr;
  int prev_line = 0;
  for (uint32_t i : order) {
    const Prefix& p = networks[i].first;
    if (p.length() == 0) continue;
    if (prev != nullptr && prev->is_v4() == p.is_v4() && PrefixLast(*prev) >= PrefixFirst(p)) {
      return absl::InvalidArgumentError(absl::StrCat(
          AV(source), ":", std::max(lines[i], prev_line), ": network ", p.ToString(),
          " overlaps ", prev->ToString(), " (line ", std::min(lines[i], prev_line), ")"));
    }
    prev = &p;
    prev_line = lines[i];
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// ParseLocationLatencyTable; `owned`, when not null, holds `text` and is
// freed as soon as the rows are read (the file is the largest transient).
absl::StatusOr<std::shared_ptr<const LatencyTable>> ParseImpl(
    std::string_view text, std::string* owned, std::string_view source,
    const RegionRegistry& regions, const DistanceModel& model,
    LocationTableStats* stats, absl::Span<const std::string> rank_only) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<const Region*> ranked;
  for (const Region& r : regions.regions()) {
    if (!r.has_location) continue;
    if (!rank_only.empty() &&
        std::find(rank_only.begin(), rank_only.end(), r.name) == rank_only.end()) {
      continue;
    }
    ranked.push_back(&r);
  }
  if (ranked.empty()) {
    if (!rank_only.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          AV(source), ": none of the regions in use (", absl::StrJoin(rank_only, ", "),
          ") has coordinates in ", regions.source()));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ": no region in ", regions.source(), " has coordinates"));
  }

  struct Location {
    double latitude, longitude;
  };
  std::vector<Location> locations;
  // The coordinate text of a row -> its location (rows of one country
  // repeat the same text: parse it once).
  absl::flat_hash_map<std::string, uint32_t> by_text;
  LatencyTable::SharedRows shared;
  std::vector<int> net_line;  // parallel to shared.networks

  CsvColumn net{{"network"}}, lat{{"latitude", "lat"}},
      lon{{"longitude", "lon"}}, country{{"country", "country_code"}, false};
  CsvColumn* cols[] = {&net, &lat, &lon, &country};
  std::string key;
  absl::Status s = ForEachCsvRow(
      text, source, cols, "network,latitude,longitude,country",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        absl::StatusOr<Prefix> p = Prefix::Parse(f[net.index]);
        if (!p.ok()) {
          return RowError(source, line,
                          absl::StrCat("network '", AV(f[net.index]),
                                       "': ", p.status().message()));
        }
        key.assign(f[lat.index]);
        key.push_back(',');
        key.append(f[lon.index]);
        auto [it, fresh] =
            by_text.try_emplace(key, static_cast<uint32_t>(locations.size()));
        if (fresh) {
          Location l{};
          absl::Status c = ParseCoordinate(f[lat.index], 90, "latitude",
                                           source, line, &l.latitude);
          if (c.ok()) {
            c = ParseCoordinate(f[lon.index], 180, "longitude", source, line,
                                &l.longitude);
          }
          if (!c.ok()) {
            by_text.erase(it);
            return c;
          }
          locations.push_back(l);
        }
        shared.networks.emplace_back(*p, it->second);
        net_line.push_back(line);
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (owned != nullptr) std::string().swap(*owned);
  by_text = {};

  absl::Status disjoint = CheckDisjoint(shared.networks, net_line, source);
  if (!disjoint.ok()) return disjoint;

  // Ranking and merging are the latency builder's (geo/build/latency_builder.h):
  // each location is a place with coordinates; the model's RTTs; the
  // optimal (ORTC) merge by ranking; address-weighted default rows for
  // 0.0.0.0/0 and ::/0 (unless the file has its own).
  const size_t n = locations.size();
  const size_t file_networks = shared.networks.size();
  GeoNetworks nets;
  {
    std::vector<uint32_t> place_of(n);
    for (size_t i = 0; i < n; ++i) {
      Place place;
      place.has_coordinates = true;
      place.latitude = locations[i].latitude;
      place.longitude = locations[i].longitude;
      place_of[i] = nets.InternPlace(place);
    }
    for (const auto& [prefix, loc] : shared.networks) nets.Add(prefix, place_of[loc]);
    nets.records = file_networks;
    shared = {};
    net_line = {};
  }
  LatencyBuildOptions options;
  options.model = model;
  for (const Region* r : ranked) options.only_regions.push_back(r->name);
  absl::StatusOr<BuiltLatencyTable> built =
      BuildLatencyTable(nets, regions, /*centroids=*/nullptr, /*measured=*/{}, options);
  if (!built.ok()) return built.status();
  nets = GeoNetworks();

  // One row per ranking: the rows the builder averaged over a merged
  // network all rank alike, so the first network's row stands for them
  // (its RTTs are what explain shows); the query path needs the ranking.
  {
    absl::flat_hash_map<std::vector<uint32_t>, uint32_t> by_ranking;
    std::vector<uint32_t> row_of(built->row_begin.size() - 1, kNoRow);
    std::vector<uint32_t> order;
    shared.networks.reserve(built->networks.size());
    for (const BuiltLatencyTable::Network& net : built->networks) {
      uint32_t& row = row_of[net.row];
      if (row == kNoRow) {
        const absl::Span<const BuiltLatencyTable::Cell> cells = built->row(net.row);
        order.clear();
        for (const BuiltLatencyTable::Cell& c : cells) order.push_back(c.region);
        auto [it, fresh] = by_ranking.try_emplace(order, static_cast<uint32_t>(shared.rows.size()));
        if (fresh) {
          std::vector<std::pair<std::string, double>> r;
          for (const BuiltLatencyTable::Cell& c : cells) {
            r.emplace_back(built->region_names[c.region], c.rtt_ms());
          }
          shared.rows.push_back(std::move(r));
        }
        row = it->second;
      }
      shared.networks.emplace_back(net.network, row);
    }
  }
  const size_t networks = shared.networks.size();
  *built = BuiltLatencyTable();  // free it before the table is compiled
  absl::StatusOr<std::shared_ptr<const LatencyTable>> table =
      LatencyTable::FromSharedRows(std::move(shared), source);
  if (!table.ok()) return table.status();
  if (stats != nullptr) {
    stats->file_networks = file_networks;
    stats->networks = networks;
    stats->locations = n;
    stats->regions = ranked.size();
    stats->seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - t0)
                         .count();
  }
  return table;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const LatencyTable>> ParseLocationLatencyTable(
    std::string_view text, std::string_view source,
    const RegionRegistry& regions, const DistanceModel& model,
    LocationTableStats* stats, absl::Span<const std::string> rank_only) {
  return ParseImpl(text, nullptr, source, regions, model, stats, rank_only);
}

absl::StatusOr<std::shared_ptr<const LatencyTable>> LoadLocationLatencyTable(
    const std::string& path, const RegionRegistry& regions,
    const DistanceModel& model, LocationTableStats* stats,
    absl::Span<const std::string> rank_only) {
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::shared_ptr<const LatencyTable>> table =
      ParseImpl(*text, &*text, path, regions, model, stats, rank_only);
  if (table.ok() && stats != nullptr) {
    stats->seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - t0)
                         .count();
  }
  return table;
}

absl::StatusOr<std::shared_ptr<const LatencyTable>> LoadDefaultLatencyTable(
    const std::string& path, const RegionRegistry* regions, std::string* note,
    absl::Span<const std::string> rank_only) {
  note->clear();
  if (path.empty() || path == "off") return nullptr;
  const bool builtin = path == DefaultNetworkLocationsPath();
  if (regions == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": no regions file loaded to rank the default latency table"));
  }
  LocationTableStats st;
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t =
      LoadLocationLatencyTable(path, *regions, kDefaultDistanceModel, &st, rank_only);
  if (!t.ok()) {
    if (builtin && absl::IsNotFound(t.status())) {
      *note = absl::StrCat(
          "note: no default latency table (", path,
          " is missing; scripts/build-default-latency.sh or the build makes it)");
      return nullptr;
    }
    return t.status();
  }
  // Loading takes ~2.5x the table's size in transient heap (the file's
  // text, the network list, the LPM builder); hand it back to the system
  // rather than keep it as free heap for the life of the server.
  malloc_trim(0);
  *note = absl::StrFormat(
      "default latency table %s (--default-latency): %d networks (%d in the "
      "file), %d locations x %d regions (%s%s, model %s), %.1f MiB, loaded in "
      "%.2f s",
      path, st.networks, st.file_networks, st.locations, st.regions,
      rank_only.empty() ? "" : "those in use, from ", regions->source(),
      kDefaultDistanceModel.ToString(),
      static_cast<double>((*t)->memory().total()) / (1 << 20), st.seconds);
  return t;
}

const char* DefaultNetworkLocationsPath() {
  return STEER_GEO_BINARY_DIR "/default-locations.csv";
}

}  // namespace geo
