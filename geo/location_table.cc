#include "geo/location_table.h"

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
#include "geo/absl_compat.h"
#include "geo/address.h"
#include "geo/build_internal.h"
#include "geo/csv_reader.h"

namespace geo {
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

// 2^bits as a double (address counts as weights).
double Pow2(int bits) { return std::ldexp(1.0, bits); }

constexpr uint32_t kNoRow = 0xFFFFFFFFu;
using build_internal::U128;

// The region order of each row: (rtt, name), as LatencyTable ranks. Rows
// with the same order get the same id.
std::vector<uint32_t> RankingIds(const LatencyTable::SharedRows& in) {
  std::vector<uint32_t> ids(in.rows.size());
  absl::flat_hash_map<std::vector<std::string_view>, uint32_t> seen;
  std::vector<size_t> order;
  std::vector<std::string_view> names;
  for (size_t i = 0; i < in.rows.size(); ++i) {
    const auto& row = in.rows[i];
    order.resize(row.size());
    for (size_t k = 0; k < row.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (row[a].second != row[b].second) return row[a].second < row[b].second;
      return row[a].first < row[b].first;
    });
    names.clear();
    for (size_t k : order) names.push_back(row[k].first);
    ids[i] = seen.try_emplace(names, static_cast<uint32_t>(seen.size())).first->second;
  }
  return ids;
}

// The networks with adjacent ones of equal ranking merged (into the fewest
// prefixes that cover each run) and those whose ranking is their family's
// default row's (`default_row`, kNoRow: none) left out: no address's
// ranking changes. A merged run keeps the row of its first network (its
// RTTs are what explain shows). /0 networks pass as they are; others
// must not overlap (InvalidArgument "source:line: ... overlaps ...").
absl::StatusOr<std::vector<std::pair<Prefix, uint32_t>>> MergeByRanking(
    const LatencyTable::SharedRows& in, const std::vector<int>& lines,
    const uint32_t default_row[2], std::string_view source) {
  const std::vector<uint32_t> rank = RankingIds(in);
  std::vector<uint32_t> order(in.networks.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Prefix& x = in.networks[a].first;
    const Prefix& y = in.networks[b].first;
    if (x.is_v4() != y.is_v4()) return x.is_v4();
    return x < y;
  });
  std::vector<std::pair<Prefix, uint32_t>> out;
  out.reserve(in.networks.size());
  struct Run {
    U128 first, last;
    uint32_t row;
    int width;
  };
  std::optional<Run> run;
  auto flush = [&]() {
    if (!run) return;
    build_internal::ForEachRangePrefix(run->first, run->last, run->width,
                                       [&](U128 lo, int len) {
                                         out.emplace_back(
                                             Prefix::Make(build_internal::FromU128(lo, run->width), len),
                                             run->row);
                                       });
    run.reset();
  };
  const Prefix* prev = nullptr;
  int prev_line = 0;
  for (uint32_t i : order) {
    const auto& [p, row] = in.networks[i];
    if (p.length() == 0) {
      out.emplace_back(p, row);
      continue;
    }
    const int fam = p.is_v4() ? 0 : 1;
    const int width = p.address().width();
    const U128 first = build_internal::PrefixFirst(p);
    const U128 last = build_internal::PrefixLast(p);
    if (prev != nullptr && prev->is_v4() == p.is_v4() &&
        build_internal::PrefixLast(*prev) >= first) {
      return absl::InvalidArgumentError(absl::StrCat(
          AV(source), ":", std::max(lines[i], prev_line), ": network ", p.ToString(),
          " overlaps ", prev->ToString(), " (line ", std::min(lines[i], prev_line), ")"));
    }
    prev = &p;
    prev_line = lines[i];
    if (default_row[fam] != kNoRow && rank[row] == rank[default_row[fam]]) {
      flush();
      continue;
    }
    if (run && run->width == width && run->last + 1 == first &&
        rank[run->row] == rank[row]) {
      run->last = last;
      continue;
    }
    flush();
    run = Run{first, last, row, width};
  }
  flush();
  return out;
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
    double weight[2] = {0, 0};  // addresses: [0] IPv4, [1] IPv6
  };
  std::vector<Location> locations;
  // The coordinate text of a row -> its location (rows of one country
  // repeat the same text: parse it once).
  absl::flat_hash_map<std::string, uint32_t> by_text;
  LatencyTable::SharedRows shared;
  std::vector<int> net_line;  // parallel to shared.networks
  bool has_default[2] = {false, false};

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
        const int fam = p->is_v4() ? 0 : 1;
        if (p->length() == 0) has_default[fam] = true;
        locations[it->second].weight[fam] +=
            Pow2(p->address().width() - p->length());
        shared.networks.emplace_back(*p, it->second);
        net_line.push_back(line);
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (owned != nullptr) std::string().swap(*owned);
  by_text = {};

  // Rows: one per location, then the default rows.
  const size_t n = locations.size();
  shared.rows.resize(n);
  std::vector<double> sum[2] = {std::vector<double>(ranked.size(), 0),
                                std::vector<double>(ranked.size(), 0)};
  double total[2] = {0, 0};
  for (size_t i = 0; i < n; ++i) {
    const Location& l = locations[i];
    auto& row = shared.rows[i];
    row.reserve(ranked.size());
    for (size_t r = 0; r < ranked.size(); ++r) {
      const double km = HaversineKm(l.latitude, l.longitude,
                                    ranked[r]->latitude, ranked[r]->longitude);
      const double ms = std::round(model.RttMs(km) * 10) / 10;
      row.emplace_back(ranked[r]->name, ms);
      for (int fam = 0; fam < 2; ++fam) sum[fam][r] += l.weight[fam] * ms;
    }
    for (int fam = 0; fam < 2; ++fam) total[fam] += l.weight[fam];
  }
  uint32_t default_row[2] = {kNoRow, kNoRow};
  for (int fam = 0; fam < 2; ++fam) {
    if (has_default[fam] || total[fam] == 0) continue;
    std::vector<std::pair<std::string, double>> row;
    for (size_t r = 0; r < ranked.size(); ++r) {
      row.emplace_back(ranked[r]->name,
                       std::round(sum[fam][r] / total[fam] * 10) / 10);
    }
    shared.rows.push_back(std::move(row));
    default_row[fam] = static_cast<uint32_t>(shared.rows.size() - 1);
  }
  const size_t file_networks = shared.networks.size();
  absl::StatusOr<std::vector<std::pair<Prefix, uint32_t>>> merged =
      MergeByRanking(shared, net_line, default_row, source);
  if (!merged.ok()) return merged.status();
  shared.networks = *std::move(merged);
  for (int fam = 0; fam < 2; ++fam) {
    if (default_row[fam] == kNoRow) continue;
    shared.networks.emplace_back(*Prefix::Parse(fam == 0 ? "0.0.0.0/0" : "::/0"),
                                 default_row[fam]);
  }
  const size_t networks = shared.networks.size();
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
  absl::StatusOr<std::string> text = ReadWholeFile(path);
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
