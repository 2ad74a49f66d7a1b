#include "geo/build/latency_builder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/errno_status.h"
#include "base/file.h"
#include "base/string_view.h"
#include "geo/build/build_internal.h"
#include "geo/csv_reader.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;

using build_internal::Column;
using build_internal::ForEachRangePrefix;
using build_internal::FromU128;
using build_internal::LowOnes;
using build_internal::PrefixFirst;
using build_internal::PrefixLast;
using build_internal::RowError;
using build_internal::ToDouble;
using build_internal::U128;

namespace {

using Cell = BuiltLatencyTable::Cell;

constexpr uint32_t kNone = 0xFFFFFFFFu;  // no row / no key / no place
constexpr int32_t kAbsent = -1;          // a region without an RTT in a row
constexpr uint32_t kMapped = 0xFFFFFFFEu;  // IPv6 piece in ::ffff:0:0/96

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

int32_t ToTenths(double ms) {
  if (!(ms > 0)) return 0;
  const double t = std::nearbyint(ms * 10);
  return t > 2e9 ? 2000000000 : static_cast<int32_t>(t);
}

// Interned rows (cells in ranking order) and interned rankings (the
// ordered region lists).
class RowStore {
 public:
  uint32_t Intern(absl::Span<const Cell> cells) {
    std::string key(reinterpret_cast<const char*>(cells.data()),
                    cells.size() * sizeof(Cell));
    auto [it, fresh] =
        ids_.try_emplace(std::move(key), static_cast<uint32_t>(begin_.size()));
    if (fresh) {
      begin_.push_back(static_cast<uint32_t>(cells_.size()));
      cells_.insert(cells_.end(), cells.begin(), cells.end());
      std::string rkey;
      rkey.reserve(cells.size() * sizeof(uint32_t));
      for (const Cell& c : cells) {
        rkey.append(reinterpret_cast<const char*>(&c.region), sizeof c.region);
      }
      auto [rit, rfresh] = ranking_ids_.try_emplace(
          std::move(rkey), static_cast<uint32_t>(ranking_rep_.size()));
      if (rfresh) ranking_rep_.push_back(it->second);
      ranking_of_.push_back(rit->second);
    }
    return it->second;
  }
  absl::Span<const Cell> Get(uint32_t id) const {
    const uint32_t b = begin_[id];
    const uint32_t e =
        id + 1 < begin_.size() ? begin_[id + 1] : static_cast<uint32_t>(cells_.size());
    return absl::Span<const Cell>(cells_.data() + b, e - b);
  }
  uint32_t Ranking(uint32_t row) const { return ranking_of_[row]; }
  // A row with ranking `r` (the first interned).
  uint32_t Representative(uint32_t ranking) const { return ranking_rep_[ranking]; }

 private:
  std::vector<uint32_t> begin_;
  std::vector<Cell> cells_;
  std::vector<uint32_t> ranking_of_;
  std::vector<uint32_t> ranking_rep_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  absl::flat_hash_map<std::string, uint32_t> ranking_ids_;
};

// A disjoint address range with a value (a place, then a row).
struct Piece {
  U128 first;
  U128 last;
  uint32_t value;
};

// One family's merge: leaves (disjoint ranges covering the whole space,
// each with a row or kNone) -> the networks to write.
class FamilyMerger {
 public:
  struct Entry {
    Prefix network;
    uint32_t key;
    uint32_t row = kNone;  // final row
  };

  // `name_rank`: each region's position in name order (the tie-break).
  FamilyMerger(int width, const std::vector<Piece>& leaves, RowStore& rows,
               const LatencyBuildOptions& opt, uint32_t default_row,
               const std::vector<uint32_t>& name_rank)
      : width_(width), leaves_(leaves), rows_(rows), opt_(opt), name_rank_(name_rank) {
    by_ranking_ = opt.merge_by_ranking && opt.merge != MergeMode::kNone;
    default_key_ = KeyOf(default_row);
    default_row_ = default_row;
  }

  std::vector<Entry> Run() {
    if (opt_.merge == MergeMode::kNone) {
      RunNone();
    } else {
      BuildRuns();
      if (opt_.merge == MergeMode::kSiblings) {
        uint32_t inherited = kNone;
        int64_t entry = -1;
        if (default_key_ != kNone) {
          entry = Emit(0, 0, default_key_);
          inherited = default_key_;
        }
        Siblings(0, 0, 0, static_cast<uint32_t>(runs_.size()), inherited, entry);
      } else {
        Sets(0, 0, 0, static_cast<uint32_t>(runs_.size()));
        next_node_ = 0;
        Choose(0, 0, 0, static_cast<uint32_t>(runs_.size()), kNone, -1);
        nodes_.clear();
        nodes_.shrink_to_fit();
        pool_.clear();
        pool_.shrink_to_fit();
      }
      ResolveRows();
    }
    return std::move(entries_);
  }

 private:
  struct RunT {
    U128 first;
    U128 last;
    uint32_t key;
    uint32_t leaf_begin;
    uint32_t leaf_end;
  };
  struct NodeSet {
    uint32_t offset = 0;
    uint32_t size = 0;
    bool has_none = false;
  };

  uint32_t KeyOf(uint32_t row) const {
    if (row == kNone) return kNone;
    return by_ranking_ ? rows_.Ranking(row) : row;
  }

  void RunNone() {
    if (default_row_ != kNone) {
      entries_.push_back({Prefix::Make(FromU128(0, width_), 0), default_row_, default_row_});
    }
    for (const Piece& l : leaves_) {
      if (l.value == kNone || l.value == default_row_) continue;
      ForEachRangePrefix(l.first, l.last, width_, [&](U128 lo, int len) {
        if (!InMapped(lo)) {
          entries_.push_back({Prefix::Make(FromU128(lo, width_), len), l.value, l.value});
        }
      });
    }
  }

  void BuildRuns() {
    for (uint32_t i = 0; i < leaves_.size(); ++i) {
      const uint32_t key = KeyOf(leaves_[i].value);
      if (!runs_.empty() && runs_.back().key == key) {
        runs_.back().last = leaves_[i].last;
        runs_.back().leaf_end = i + 1;
      } else {
        runs_.push_back({leaves_[i].first, leaves_[i].last, key, i, i + 1});
      }
    }
  }

  // Node [lo, lo + 2^(width-len) - 1] spans runs [rb, re); splits it.
  void Split(U128 lo, int len, uint32_t rb, uint32_t re, U128* mid,
             uint32_t* left_end, uint32_t* right_begin) const {
    *mid = lo + (U128{1} << (width_ - len - 1));
    const U128 m = *mid;
    auto it = std::upper_bound(
        runs_.begin() + rb, runs_.begin() + re, m,
        [](U128 v, const RunT& r) { return v < r.first; });
    const auto k = static_cast<uint32_t>(it - runs_.begin()) - 1;  // contains m
    *right_begin = k;
    *left_end = runs_[k].first == m ? k : k + 1;
  }

  // In the IPv6 family, a node inside ::ffff:0:0/96 (the IPv4 space, which
  // only the IPv4 family answers for; Prefix cannot even name an IPv6
  // network there). Such a node has length >= 96.
  bool InMapped(U128 lo) const {
    return width_ == 128 && (lo >> 32) == U128{0xFFFF};
  }

  int64_t Emit(U128 lo, int len, uint32_t key) {
    if (InMapped(lo)) return -1;  // don't care: never looked up
    entries_.push_back({Prefix::Make(FromU128(lo, width_), len), key});
    if (by_ranking_) {
      const size_t n = rows_.Get(rows_.Representative(key)).size();
      acc_begin_.push_back(acc_sum_.size());
      acc_sum_.resize(acc_sum_.size() + n, 0.0);
      acc_weight_.push_back(0);
      heavy_row_.push_back(kNone);
      heavy_weight_.push_back(-1);
    }
    return static_cast<int64_t>(entries_.size()) - 1;
  }

  // Adds the leaves of run `r` inside node (lo, len) to entry `e`'s means.
  void Accumulate(int64_t e, U128 lo, int len, uint32_t r) {
    if (!by_ranking_ || e < 0) return;
    const U128 hi = lo + LowOnes(width_ - len);
    const RunT& run = runs_[r];
    auto it = std::lower_bound(
        leaves_.begin() + run.leaf_begin, leaves_.begin() + run.leaf_end, lo,
        [](const Piece& p, U128 v) { return p.last < v; });
    double* sum = acc_sum_.data() + acc_begin_[e];
    for (; it != leaves_.begin() + run.leaf_end && it->first <= hi; ++it) {
      const U128 a = std::max(it->first, lo), b = std::min(it->last, hi);
      const double w = ToDouble(b - a) + 1.0;
      absl::Span<const Cell> cells = rows_.Get(it->value);
      for (size_t i = 0; i < cells.size(); ++i) sum[i] += w * cells[i].rtt_tenths;
      acc_weight_[e] += w;
      if (w > heavy_weight_[e]) {
        heavy_weight_[e] = w;
        heavy_row_[e] = it->value;
      }
    }
  }

  void Siblings(U128 lo, int len, uint32_t rb, uint32_t re, uint32_t inherited,
                int64_t entry) {
    if (re - rb == 1) {
      const uint32_t key = runs_[rb].key;
      if (key == kNone) return;
      if (key != inherited) entry = Emit(lo, len, key);
      Accumulate(entry, lo, len, rb);
      return;
    }
    U128 mid;
    uint32_t le, rbeg;
    Split(lo, len, rb, re, &mid, &le, &rbeg);
    Siblings(lo, len + 1, rb, le, inherited, entry);
    Siblings(mid, len + 1, rbeg, re, inherited, entry);
  }

  // ORTC pass 2 (the leaf-pushing of pass 1 is implicit: a node is a leaf
  // when it lies in one run). Returns the node's index (preorder).
  uint32_t Sets(U128 lo, int len, uint32_t rb, uint32_t re) {
    const auto id = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    if (re - rb == 1) {
      const uint32_t key = runs_[rb].key;
      if (key == kNone) {
        nodes_[id].has_none = true;
      } else {
        nodes_[id] = {static_cast<uint32_t>(pool_.size()), 1, false};
        pool_.push_back(key);
      }
      return id;
    }
    U128 mid;
    uint32_t le, rbeg;
    Split(lo, len, rb, re, &mid, &le, &rbeg);
    const NodeSet a = nodes_[Sets(lo, len + 1, rb, le)];
    const NodeSet b = nodes_[Sets(mid, len + 1, rbeg, re)];
    if (a.has_none || b.has_none) {
      nodes_[id].has_none = true;
      return id;
    }
    tmp_.clear();
    const uint32_t* pa = pool_.data() + a.offset;
    const uint32_t* pb = pool_.data() + b.offset;
    std::set_intersection(pa, pa + a.size, pb, pb + b.size, std::back_inserter(tmp_));
    if (tmp_.empty()) {
      std::set_union(pa, pa + a.size, pb, pb + b.size, std::back_inserter(tmp_));
    }
    nodes_[id] = {static_cast<uint32_t>(pool_.size()),
                  static_cast<uint32_t>(tmp_.size()), false};
    pool_.insert(pool_.end(), tmp_.begin(), tmp_.end());
    return id;
  }

  // ORTC pass 3: top-down, a node gets an entry only when the value it
  // inherits is not in its set. Nodes above an unlocated leaf (has_none)
  // never get one: it would cover that leaf.
  void Choose(U128 lo, int len, uint32_t rb, uint32_t re, uint32_t inherited,
              int64_t entry) {
    const NodeSet ns = nodes_[next_node_++];
    if (!ns.has_none) {
      const uint32_t* b = pool_.data() + ns.offset;
      const uint32_t* e = b + ns.size;
      if (!std::binary_search(b, e, inherited)) {
        const uint32_t pick =
            default_key_ != kNone && std::binary_search(b, e, default_key_)
                ? default_key_
                : *b;
        entry = Emit(lo, len, pick);
        inherited = pick;
      }
    }
    if (re - rb == 1) {
      if (!ns.has_none) Accumulate(entry, lo, len, rb);
      return;
    }
    U128 mid;
    uint32_t le, rbeg;
    Split(lo, len, rb, re, &mid, &le, &rbeg);
    Choose(lo, len + 1, rb, le, inherited, entry);
    Choose(mid, len + 1, rbeg, re, inherited, entry);
  }

  // Each entry's row: its key's row, or (by ranking) the weighted mean.
  void ResolveRows() {
    std::vector<Cell> cells;
    for (size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      if (!by_ranking_) {
        e.row = e.key;
        continue;
      }
      if (acc_weight_[i] <= 0) {
        e.row = rows_.Representative(e.key);
        continue;
      }
      absl::Span<const Cell> rep = rows_.Get(rows_.Representative(e.key));
      cells.assign(rep.begin(), rep.end());
      const double* sum = acc_sum_.data() + acc_begin_[i];
      for (size_t c = 0; c < cells.size(); ++c) {
        cells[c].rtt_tenths = ToTenths(sum[c] / acc_weight_[i] / 10.0);
      }
      bool ranks_same = true;
      for (size_t c = 1; c < cells.size() && ranks_same; ++c) {
        const Cell& x = cells[c - 1];
        const Cell& y = cells[c];
        ranks_same = x.rtt_tenths < y.rtt_tenths ||
                     (x.rtt_tenths == y.rtt_tenths &&
                      name_rank_[x.region] < name_rank_[y.region]);
      }
      e.row = ranks_same ? rows_.Intern(cells) : heavy_row_[i];
    }
  }

 private:
  const int width_;
  const std::vector<Piece>& leaves_;
  RowStore& rows_;
  const LatencyBuildOptions& opt_;
  const std::vector<uint32_t>& name_rank_;
  bool by_ranking_ = false;
  uint32_t default_key_ = kNone;
  uint32_t default_row_ = kNone;
  std::vector<RunT> runs_;
  std::vector<Entry> entries_;
  std::vector<NodeSet> nodes_;
  std::vector<uint32_t> pool_;
  std::vector<uint32_t> tmp_;
  uint32_t next_node_ = 0;
  // Per-entry means (by ranking).
  std::vector<size_t> acc_begin_;
  std::vector<double> acc_sum_;
  std::vector<double> acc_weight_;
  std::vector<uint32_t> heavy_row_;
  std::vector<double> heavy_weight_;
};

// Input prefix for flattening.
struct InPrefix {
  U128 first;
  U128 last;
  int len;
  uint32_t seq;
  uint32_t place;
};

// Longest-prefix flattening of (possibly nested) prefixes into disjoint
// pieces covering the whole space of `width` bits; uncovered space gets
// kNone. For the same prefix twice the later (higher seq) wins.
std::vector<Piece> Flatten(std::vector<InPrefix>& in, int width) {
  std::sort(in.begin(), in.end(), [](const InPrefix& a, const InPrefix& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.len != b.len) return a.len < b.len;
    return a.seq < b.seq;
  });
  const U128 max = LowOnes(width);
  std::vector<Piece> out;
  auto emit = [&](U128 a, U128 b, uint32_t v) {
    if (!out.empty() && out.back().value == v && out.back().last + 1 == a) {
      out.back().last = b;
    } else {
      out.push_back({a, b, v});
    }
  };
  struct Open {
    U128 last;
    uint32_t value;
  };
  std::vector<Open> stack;
  U128 pos = 0;        // first address not yet emitted
  bool done = false;   // everything up to max emitted
  auto close_until = [&](U128 x, bool all) {
    // Pops prefixes that end before x (or all), emitting what remains of them.
    while (!stack.empty() && (all || stack.back().last < x)) {
      const Open o = stack.back();
      stack.pop_back();
      if (!done && pos <= o.last) {
        emit(pos, o.last, o.value);
        if (o.last == max) {
          done = true;
        } else {
          pos = o.last + 1;
        }
      }
    }
  };
  for (const InPrefix& p : in) {
    close_until(p.first, false);
    if (done) break;
    if (pos < p.first) {
      emit(pos, p.first - 1, stack.empty() ? kNone : stack.back().value);
      pos = p.first;
    }
    stack.push_back({p.last, p.place});
  }
  close_until(0, true);
  if (!done) emit(pos, max, kNone);
  return out;
}

}  // namespace

// ------------------------------------------------------------- parsing

absl::StatusOr<std::vector<MeasuredRtt>> ParseMeasuredCsv(
    std::string_view text, std::string_view source) {
  std::vector<MeasuredRtt> out;
  absl::flat_hash_map<std::string, int> seen;  // "client|region" -> line
  Column client{{"client", "network", "location"}}, region{{"region"}},
      rtt{{"rtt_ms"}};
  Column* cols[] = {&client, &region, &rtt};
  absl::Status s = ForEachCsvRow(
      text, source, cols, "client,region,rtt_ms",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        MeasuredRtt m;
        m.source = std::string(source);
        m.line = line;
        const std::string_view c = f[client.index];
        std::string norm;
        if (c.substr(0, 4) == "geo:") {
          std::vector<std::string_view> ll;
          for (absl::string_view x :
               absl::StrSplit(absl::string_view(c.data() + 4, c.size() - 4), ',')) {
            ll.emplace_back(x.data(), x.size());
          }
          if (ll.size() != 2 || c.find(';') != std::string_view::npos) {
            return RowError(source, line,
                            absl::StrCat("client '", AV(c),
                                         "': expected geo:LATITUDE,LONGITUDE"));
          }
          m.kind = MeasuredRtt::Kind::kLocation;
          absl::Status st = build_internal::ParseDegrees(
              ll[0], 90, "latitude", source, line, &m.latitude);
          if (st.ok()) {
            st = build_internal::ParseDegrees(ll[1], 180, "longitude", source,
                                              line, &m.longitude);
          }
          if (!st.ok()) return st;
          norm = absl::StrFormat("geo:%.6f,%.6f", m.latitude, m.longitude);
        } else if (c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' &&
                   c[1] <= 'Z') {
          m.kind = MeasuredRtt::Kind::kCountry;
          m.country = std::string(c);
          norm = m.country;
        } else {
          absl::StatusOr<Prefix> p = Prefix::Parse(c);
          if (!p.ok()) {
            return RowError(
                source, line,
                absl::StrCat("client '", AV(c),
                             "' is not a network, a geo:LAT,LON location or a "
                             "country code (",
                             p.status().message(), ")"));
          }
          m.kind = MeasuredRtt::Kind::kNetwork;
          m.network = *p;
          norm = p->ToString();
        }
        m.region = std::string(f[region.index]);
        if (m.region.empty()) return RowError(source, line, "empty region name");
        const std::string_view r = f[rtt.index];
        if (!absl::SimpleAtod(AV(r), &m.rtt_ms) || !std::isfinite(m.rtt_ms)) {
          return RowError(source, line,
                          absl::StrCat("rtt_ms '", AV(r), "' is not a number"));
        }
        if (m.rtt_ms < 0) {
          return RowError(source, line,
                          absl::StrCat("rtt_ms ", AV(r), " is negative"));
        }
        auto [it, fresh] =
            seen.try_emplace(absl::StrCat(norm, "|", m.region), line);
        if (!fresh) {
          return RowError(source, line,
                          absl::StrCat("second measurement for ", norm, " and ",
                                       m.region, " (first at line ", it->second,
                                       ")"));
        }
        out.push_back(std::move(m));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<MeasuredRtt>> LoadMeasuredCsv(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseMeasuredCsv(*text, path);
}

absl::StatusOr<std::vector<DistanceSample>> ParseRttMatrixSamples(
    std::string_view text, std::string_view source,
    const RegionRegistry& regions) {
  // Unordered pair (by region index) -> (sum of RTTs, count), in file order.
  struct Pair {
    const Region* a;
    const Region* b;
    double sum = 0;
    int n = 0;
  };
  std::vector<Pair> pairs;
  absl::flat_hash_map<std::pair<const Region*, const Region*>, size_t> index;
  Column src{{"src", "source", "from"}}, dst{{"dst", "destination", "to"}},
      rtt{{"p50_ms", "rtt_ms"}};
  Column* cols[] = {&src, &dst, &rtt};
  absl::Status s = ForEachCsvRow(
      text, source, cols, "src,dst,p50_ms",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        const Region* a = regions.Find(f[src.index]);
        const Region* b = regions.Find(f[dst.index]);
        for (std::string_view name : {f[src.index], f[dst.index]}) {
          if (absl::Status st = regions.CheckName(name); !st.ok()) {
            return RowError(source, line, std::string(st.message()));
          }
        }
        double ms = 0;
        if (!absl::SimpleAtod(AV(f[rtt.index]), &ms) || !std::isfinite(ms) ||
            ms < 0) {
          return RowError(source, line,
                          absl::StrCat("RTT '", AV(f[rtt.index]),
                                       "' is not a number >= 0"));
        }
        if (a == b || !a->has_location || !b->has_location) return absl::OkStatus();
        if (b < a) std::swap(a, b);
        auto [it, fresh] = index.try_emplace(std::pair{a, b}, pairs.size());
        if (fresh) pairs.push_back({a, b});
        pairs[it->second].sum += ms;
        pairs[it->second].n += 1;
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  std::vector<DistanceSample> out;
  out.reserve(pairs.size());
  for (const Pair& p : pairs) {
    out.push_back({HaversineKm(p.a->latitude, p.a->longitude, p.b->latitude,
                               p.b->longitude),
                   p.sum / p.n});
  }
  return out;
}

absl::StatusOr<std::vector<DistanceSample>> LoadRttMatrixSamples(
    const std::string& path, const RegionRegistry& regions) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseRttMatrixSamples(*text, path, regions);
}

std::string_view MergeModeName(MergeMode m) {
  static constexpr std::string_view kNames[] = {"none", "siblings", "optimal"};  // by MergeMode
  const auto i = static_cast<size_t>(m);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::optional<MergeMode> ParseMergeMode(std::string_view s) {
  if (s == "none") return MergeMode::kNone;
  if (s == "siblings") return MergeMode::kSiblings;
  if (s == "optimal") return MergeMode::kOptimal;
  return std::nullopt;
}

// -------------------------------------------------------------- build

namespace {

// ::ffff:0:0/96, the IPv4 space inside IPv6.
constexpr U128 kMappedFirst = U128{0xFFFF} << 32;
constexpr U128 kMappedLast = kMappedFirst | U128{0xFFFFFFFFu};

// The inputs' counts, as both builds report them.
void CountInputs(const GeoNetworks& geo, LatencyBuildStats& st) {
  st.input_records = geo.records;
  st.unlocated_records = geo.unlocated_records;
  st.places = geo.places().size();
}

// Where a place is: its coordinates, else its country's centroid (when
// `centroids` has one); false if neither.
bool LocatePlace(const Place& pl, const CountryCentroids* centroids,
                 double* lat, double* lon) {
  if (pl.has_coordinates) {
    *lat = pl.latitude;
    *lon = pl.longitude;
    return true;
  }
  if (centroids == nullptr || pl.country.empty()) return false;
  std::optional<CountryCentroids::Point> c = centroids->Find(pl.country);
  if (!c) return false;
  *lat = c->latitude;
  *lon = c->longitude;
  return true;
}

// The input networks of each family (in[0] IPv4, in[1] IPv6) for Flatten,
// each with value_of_place[its place]; those whose place has kNone are left
// out and counted in `st` as without location, by country (most first).
void CollectNetworks(const GeoNetworks& geo,
                     const std::vector<uint32_t>& value_of_place,
                     LatencyBuildStats& st, std::vector<InPrefix> (&in)[2]) {
  absl::flat_hash_map<std::string, size_t> no_location;
  const auto& nets = geo.networks();
  for (uint32_t i = 0; i < nets.size(); ++i) {
    const GeoNetworks::Entry& e = nets[i];
    const int fam = e.network.is_v4() ? 0 : 1;
    (fam == 0 ? st.input_prefixes_v4 : st.input_prefixes_v6)++;
    if (value_of_place[e.place] == kNone) {
      ++st.no_location_prefixes;
      ++no_location[geo.place(e.place).country];
      continue;
    }
    in[fam].push_back({PrefixFirst(e.network), PrefixLast(e.network),
                       e.network.length(), i, value_of_place[e.place]});
  }
  for (auto& [cc, n] : no_location) {
    st.no_location_countries.emplace_back(cc.empty() ? "(none)" : cc, n);
  }
  std::sort(st.no_location_countries.begin(), st.no_location_countries.end(),
            [](const auto& a, const auto& b) {
              if (a.second != b.second) return a.second > b.second;
              return a.first < b.first;
            });
}

// BuildLatencyTable's work. Run() goes through the phases in order:
// IndexRegions, ClassifyMeasurements, ComputePlaceRows (each place's RTT to
// every region), FlattenNetworks (disjoint pieces per family),
// ComputeDefaultRows, then per family SplitAtMeasuredNetworks, AssignRows
// (a ranked row per piece), CoalesceNeighbours and the FamilyMerger, and
// last Assemble (the rows used, renumbered).
class LatencyTableBuild {
 public:
  LatencyTableBuild(const GeoNetworks& geo, const RegionRegistry& regions,
                    const CountryCentroids* centroids,
                    absl::Span<const MeasuredRtt> measured,
                    const LatencyBuildOptions& opt)
      : geo_(geo),
        regions_(regions),
        centroids_(centroids),
        measured_(measured),
        opt_(opt),
        regs_(regions.regions()),
        R_(regs_.size()),
        P_(geo.places().size()) {}

  absl::StatusOr<BuiltLatencyTable> Run() && {
    CountInputs(geo_, st_);
    st_.measured = measured_.size();
    IndexRegions();
    if (absl::Status s = ClassifyMeasurements(); !s.ok()) return s;
    ComputePlaceRows();
    FlattenNetworks();
    ComputeDefaultRows();
    for (int fam = 0; fam < 2; ++fam) BuildFamily(fam);
    Assemble();
    return std::move(out_);
  }

 private:
  // Regions, and their order by name (LatencyTable's tie-break). kept_[r]:
  // region r may appear in rows (opt.only_regions); modeled_[r]: and the
  // distance model gives its RTTs (it has coordinates).
  void IndexRegions() {
    kept_.assign(R_, true);
    modeled_.assign(R_, false);
    for (uint32_t i = 0; i < R_; ++i) {
      out_.region_names.push_back(regs_[i].name);
      region_index_.emplace(regs_[i].name, i);
      kept_[i] = opt_.only_regions.empty() ||
                 std::find(opt_.only_regions.begin(), opt_.only_regions.end(),
                           regs_[i].name) != opt_.only_regions.end();
      modeled_[i] = kept_[i] && regs_[i].has_location;
      if (modeled_[i]) ++st_.modeled_regions;
    }
    std::vector<uint32_t> order(R_);
    for (uint32_t i = 0; i < R_; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return out_.region_names[a] < out_.region_names[b];
    });
    name_rank_.resize(R_);
    for (uint32_t i = 0; i < R_; ++i) name_rank_[order[i]] = i;
  }

  // Measurements: each names a known region; split by kind.
  absl::Status ClassifyMeasurements() {
    m_region_.resize(measured_.size());
    m_used_.assign(measured_.size(), false);
    for (uint32_t i = 0; i < measured_.size(); ++i) {
      const MeasuredRtt& m = measured_[i];
      auto it = region_index_.find(m.region);
      if (it == region_index_.end()) {
        absl::Status unknown = regions_.CheckName(m.region);
        return RowError(m.source, m.line, std::string(unknown.message()));
      }
      m_region_[i] = it->second;
      switch (m.kind) {
        case MeasuredRtt::Kind::kLocation:
          by_location_.push_back(i);
          break;
        case MeasuredRtt::Kind::kCountry:
          country_measured_[m.country].push_back(i);
          break;
        case MeasuredRtt::Kind::kNetwork:
          by_network_[m.network.is_v4() ? 0 : 1].push_back(i);
          m_used_[i] = true;  // a network measurement always applies
          break;
      }
    }
    return absl::OkStatus();
  }

  // Per place: the full row (RTT tenths per region, kAbsent if none): the
  // model's, then the place's country's measurements, then the nearest
  // location measurements.
  void ComputePlaceRows() {
    full_.assign(P_ * R_, kAbsent);
    place_has_row_.assign(P_, false);
    place_located_.assign(P_, false);
    place_lat_.assign(P_, 0);
    place_lon_.assign(P_, 0);
    for (uint32_t p = 0; p < P_; ++p) {
      const Place& pl = geo_.place(p);
      int32_t* row = full_.data() + p * R_;
      double lat = 0, lon = 0;
      const bool located = LocatePlace(pl, centroids_, &lat, &lon);
      if (located) {
        place_located_[p] = true;
        place_lat_[p] = lat;
        place_lon_[p] = lon;
        for (uint32_t r = 0; r < R_; ++r) {
          if (!modeled_[r]) continue;
          row[r] = ToTenths(opt_.model.RttMs(
              HaversineKm(lat, lon, regs_[r].latitude, regs_[r].longitude)));
        }
      }
      ApplyCountryMeasurements(pl.country, row);
      if (located) ApplyLocationMeasurements(lat, lon, row);
      for (uint32_t r = 0; r < R_ && !place_has_row_[p]; ++r) {
        place_has_row_[p] = row[r] != kAbsent && kept_[r];
      }
    }
    for (bool u : m_used_) st_.measured_unused += u ? 0 : 1;
  }

  void ApplyCountryMeasurements(const std::string& country, int32_t* row) {
    if (country.empty()) return;
    auto it = country_measured_.find(country);
    if (it == country_measured_.end()) return;
    for (uint32_t i : it->second) {
      row[m_region_[i]] = ToTenths(measured_[i].rtt_ms);
      m_used_[i] = true;
    }
  }

  // Per region, the nearest location measurement within
  // opt.location_match_km of (lat, lon).
  void ApplyLocationMeasurements(double lat, double lon, int32_t* row) {
    if (by_location_.empty()) return;
    best_km_.assign(R_, opt_.location_match_km);
    best_m_.assign(R_, kNone);
    for (uint32_t i : by_location_) {
      const double km =
          HaversineKm(lat, lon, measured_[i].latitude, measured_[i].longitude);
      const uint32_t r = m_region_[i];
      if (km <= best_km_[r]) {
        best_km_[r] = km;
        best_m_[r] = i;
      }
    }
    for (uint32_t r = 0; r < R_; ++r) {
      if (best_m_[r] == kNone) continue;
      row[r] = ToTenths(measured_[best_m_[r]].rtt_ms);
      m_used_[best_m_[r]] = true;
    }
  }

  // A full row -> interned row (ranked, top_k), or kNone if empty.
  uint32_t RankRow(const int32_t* f) {
    cells_.clear();
    for (uint32_t r = 0; r < R_; ++r) {
      if (f[r] != kAbsent && kept_[r]) cells_.push_back({r, f[r]});
    }
    if (cells_.empty()) return kNone;
    std::sort(cells_.begin(), cells_.end(), [&](const Cell& a, const Cell& b) {
      if (a.rtt_tenths != b.rtt_tenths) return a.rtt_tenths < b.rtt_tenths;
      return name_rank_[a.region] < name_rank_[b.region];
    });
    if (opt_.top_k > 0 && cells_.size() > opt_.top_k) cells_.resize(opt_.top_k);
    return rows_.Intern(cells_);
  }

  // Each family's networks with a row as disjoint pieces valued by place.
  void FlattenNetworks() {
    std::vector<uint32_t> value_of_place(P_);
    for (uint32_t p = 0; p < P_; ++p)
      value_of_place[p] = place_has_row_[p] ? p : kNone;
    std::vector<InPrefix> in[2];
    CollectNetworks(geo_, value_of_place, st_, in);
    for (int fam = 0; fam < 2; ++fam) {
      pieces_[fam] = Flatten(in[fam], fam == 0 ? 32 : 128);
      std::vector<InPrefix>().swap(in[fam]);
    }
    CutMappedSpace(pieces_[1]);
  }

  // ::ffff:0:0/96 is the IPv4 space: only the IPv4 family answers there
  // (v4-mapped clients are IPv4 clients), so no IPv6 input or measurement
  // applies to it. It gets the IPv6 default row like any gap (harmless:
  // IPv4 has its own 0.0.0.0/0), or with no default rows stays unlocated,
  // so that no IPv6 row covers it and answers IPv4 clients that match no
  // IPv4 row.
  static void CutMappedSpace(std::vector<Piece>& v6) {
    std::vector<Piece> cut;
    cut.reserve(v6.size() + 2);
    bool mapped_done = false;
    for (const Piece& pc : v6) {
      if (pc.last < kMappedFirst || pc.first > kMappedLast) {
        cut.push_back(pc);
        continue;
      }
      if (pc.first < kMappedFirst)
        cut.push_back({pc.first, kMappedFirst - 1, pc.value});
      if (!mapped_done) cut.push_back({kMappedFirst, kMappedLast, kMapped});
      mapped_done = true;
      if (pc.last > kMappedLast)
        cut.push_back({kMappedLast + 1, pc.last, pc.value});
    }
    v6.swap(cut);
  }

  // Default rows: the model's RTTs from every located address, averaged
  // with the addresses as weights (measurements are left out: one that
  // names a region for a few places would pose as typical). A family
  // without located addresses takes the other's.
  void ComputeDefaultRows() {
    if (!opt_.default_rows) return;
    for (int fam = 0; fam < 2; ++fam) {
      std::vector<double> place_weight(P_, 0);
      for (const Piece& pc : pieces_[fam]) {
        if (pc.value == kNone || pc.value == kMapped ||
            !place_located_[pc.value])
          continue;
        place_weight[pc.value] += ToDouble(pc.last - pc.first) + 1.0;
      }
      double total = 0;
      std::vector<double> swx(R_, 0);
      for (uint32_t p = 0; p < P_; ++p) {
        if (place_weight[p] <= 0) continue;
        total += place_weight[p];
        for (uint32_t r = 0; r < R_; ++r) {
          if (!modeled_[r]) continue;
          swx[r] += place_weight[p] *
                    opt_.model.RttMs(HaversineKm(place_lat_[p], place_lon_[p],
                                                 regs_[r].latitude,
                                                 regs_[r].longitude));
        }
      }
      if (total <= 0) continue;
      default_full_[fam].assign(R_, kAbsent);
      for (uint32_t r = 0; r < R_; ++r) {
        if (modeled_[r]) default_full_[fam][r] = ToTenths(swx[r] / total);
      }
    }
    if (default_full_[0].empty()) default_full_[0] = default_full_[1];
    if (default_full_[1].empty()) default_full_[1] = default_full_[0];
  }

  // One family: rows per piece (network measurements split pieces), then
  // the merge.
  void BuildFamily(int fam) {
    const int width = fam == 0 ? 32 : 128;
    const uint32_t default_row =
        default_full_[fam].empty() ? kNone : RankRow(default_full_[fam].data());
    std::vector<Piece>& pcs = pieces_[fam];
    const std::vector<Cover> cover = SplitAtMeasuredNetworks(fam);
    AssignRows(fam, cover, default_row);
    if (opt_.merge != MergeMode::kNone) CoalesceNeighbours(pcs);
    FamilyMerger merger(width, pcs, rows_, opt_, default_row, name_rank_);
    entries_[fam] = merger.Run();
    pcs.clear();
    pcs.shrink_to_fit();
  }

  // (piece, network measurement that covers it)
  using Cover = std::pair<uint32_t, uint32_t>;

  // Splits the family's pieces at its measured networks' bounds; returns
  // which measurements cover which pieces, by piece and then from the
  // shortest network to the longest (the longest applies last).
  std::vector<Cover> SplitAtMeasuredNetworks(int fam) {
    std::vector<Cover> cover;
    const std::vector<uint32_t>& mnets = by_network_[fam];
    if (mnets.empty()) return cover;
    std::vector<Piece>& pcs = pieces_[fam];
    const U128 max = LowOnes(fam == 0 ? 32 : 128);
    std::vector<U128> bounds;
    for (uint32_t i : mnets) {
      bounds.push_back(PrefixFirst(measured_[i].network));
      const U128 last = PrefixLast(measured_[i].network);
      if (last != max) bounds.push_back(last + 1);
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    std::vector<Piece> split;
    split.reserve(pcs.size() + bounds.size());
    size_t bi = 0;
    for (const Piece& pc : pcs) {
      U128 a = pc.first;
      while (bi < bounds.size() && bounds[bi] <= a) ++bi;
      while (bi < bounds.size() && bounds[bi] <= pc.last) {
        split.push_back({a, bounds[bi] - 1, pc.value});
        a = bounds[bi++];
      }
      split.push_back({a, pc.last, pc.value});
    }
    pcs.swap(split);
    for (uint32_t i : mnets) {
      const U128 f = PrefixFirst(measured_[i].network);
      const U128 l = PrefixLast(measured_[i].network);
      auto it = std::lower_bound(
          pcs.begin(), pcs.end(), f,
          [](const Piece& p, U128 v) { return p.first < v; });
      for (; it != pcs.end() && it->last <= l; ++it) {
        if (it->value == kMapped) continue;
        cover.emplace_back(static_cast<uint32_t>(it - pcs.begin()), i);
      }
    }
    std::sort(cover.begin(), cover.end(), [&](const Cover& a, const Cover& b) {
      if (a.first != b.first) return a.first < b.first;
      return measured_[a.second].network.length() <
             measured_[b.second].network.length();
    });
    return cover;
  }

  // Each piece's value becomes its row: its place's (or the default row
  // for a gap), with the measurements that cover it applied on top.
  void AssignRows(int fam, const std::vector<Cover>& cover,
                  uint32_t default_row) {
    std::vector<Piece>& pcs = pieces_[fam];
    size_t ci = 0;
    for (uint32_t i = 0; i < pcs.size(); ++i) {
      Piece& pc = pcs[i];
      const uint32_t place = pc.value;
      if (ci < cover.size() && cover[ci].first == i) {
        if (place != kNone) {
          std::copy_n(full_.data() + size_t{place} * R_, R_, scratch_.begin());
        } else if (!default_full_[fam].empty()) {
          scratch_ = default_full_[fam];
        } else {
          std::fill(scratch_.begin(), scratch_.end(), kAbsent);
        }
        for (; ci < cover.size() && cover[ci].first == i; ++ci) {
          const uint32_t m = cover[ci].second;
          scratch_[m_region_[m]] = ToTenths(measured_[m].rtt_ms);
        }
        pc.value = RankRow(scratch_.data());
      } else if (place == kNone || place == kMapped) {
        pc.value = default_row;
      } else {
        if (!place_row_done_[place]) {
          place_row_[place] = RankRow(full_.data() + size_t{place} * R_);
          place_row_done_[place] = true;
        }
        pc.value = place_row_[place];
      }
    }
  }

  // Equal neighbours (they may now share a row) become one piece.
  static void CoalesceNeighbours(std::vector<Piece>& pcs) {
    size_t w = 0;
    for (size_t i = 0; i < pcs.size(); ++i) {
      if (w > 0 && pcs[w - 1].value == pcs[i].value) {
        pcs[w - 1].last = pcs[i].last;
      } else {
        pcs[w++] = pcs[i];
      }
    }
    pcs.resize(w);
  }

  // The output: only the rows used, renumbered in order of use.
  void Assemble() {
    absl::flat_hash_map<uint32_t, uint32_t> renum;
    absl::flat_hash_set<std::string> rankings;
    out_.row_begin.push_back(0);
    for (int fam = 0; fam < 2; ++fam) {
      for (const FamilyMerger::Entry& e : entries_[fam]) {
        auto [it, fresh] = renum.try_emplace(
            e.row, static_cast<uint32_t>(out_.row_begin.size() - 1));
        absl::Span<const Cell> c = rows_.Get(e.row);
        if (fresh) {
          out_.cells.insert(out_.cells.end(), c.begin(), c.end());
          out_.row_begin.push_back(static_cast<uint32_t>(out_.cells.size()));
          std::string rk;
          for (const Cell& x : c) {
            rk.append(reinterpret_cast<const char*>(&x.region),
                      sizeof x.region);
          }
          rankings.insert(std::move(rk));
        }
        out_.networks.push_back({e.network, it->second});
        st_.output_rows += c.size();
      }
      (fam == 0 ? st_.output_networks_v4 : st_.output_networks_v6) =
          entries_[fam].size();
    }
    st_.distinct_rankings = rankings.size();
  }

  const GeoNetworks& geo_;
  const RegionRegistry& regions_;
  const CountryCentroids* centroids_;
  const absl::Span<const MeasuredRtt> measured_;
  const LatencyBuildOptions& opt_;
  const absl::Span<const Region> regs_;
  const size_t R_;  // regions
  const size_t P_;  // places
  BuiltLatencyTable out_;
  LatencyBuildStats& st_ = out_.stats;

  // IndexRegions.
  absl::flat_hash_map<std::string, uint32_t> region_index_;
  std::vector<bool> kept_, modeled_;
  std::vector<uint32_t> name_rank_;
  // ClassifyMeasurements: each measurement's region and whether it applied;
  // by kind.
  std::vector<uint32_t> m_region_;
  std::vector<bool> m_used_;
  std::vector<uint32_t> by_location_, by_network_[2];
  absl::flat_hash_map<std::string, std::vector<uint32_t>> country_measured_;
  // ComputePlaceRows: rows of R_ RTTs per place, and where the place is.
  std::vector<int32_t> full_;
  std::vector<bool> place_has_row_, place_located_;
  std::vector<double> place_lat_, place_lon_;
  std::vector<double> best_km_;  // ApplyLocationMeasurements' scratch
  std::vector<uint32_t> best_m_;
  // Interned ranked rows; RankRow's scratch.
  RowStore rows_;
  std::vector<Cell> cells_;
  // FlattenNetworks, per family; ComputeDefaultRows.
  std::vector<Piece> pieces_[2];
  std::vector<int32_t> default_full_[2];
  // AssignRows: each place's row once ranked (shared by the families).
  std::vector<uint32_t> place_row_ = std::vector<uint32_t>(P_, kNone);
  std::vector<bool> place_row_done_ = std::vector<bool>(P_, false);
  std::vector<int32_t> scratch_ = std::vector<int32_t>(R_);
  // BuildFamily.
  std::vector<FamilyMerger::Entry> entries_[2];
};

}  // namespace

absl::StatusOr<BuiltLatencyTable> BuildLatencyTable(
    const GeoNetworks& geo, const RegionRegistry& regions,
    const CountryCentroids* centroids, absl::Span<const MeasuredRtt> measured,
    const LatencyBuildOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<BuiltLatencyTable> out =
      LatencyTableBuild(geo, regions, centroids, measured, opt).Run();
  if (out.ok()) out->stats.build_seconds = Seconds(t0);
  return out;
}

// ----------------------------------------------------- network locations

absl::StatusOr<NetworkLocations> BuildNetworkLocations(
    const GeoNetworks& geo, const CountryCentroids* centroids) {
  const auto t0 = std::chrono::steady_clock::now();
  NetworkLocations out;
  LatencyBuildStats& st = out.stats;
  CountInputs(geo, st);
  // Place -> location (places with the same point share one, so that a
  // country and its alias merge), or kNone without coordinates.
  std::vector<uint32_t> place_loc(geo.places().size(), kNone);
  absl::flat_hash_map<std::pair<double, double>, uint32_t> loc_ids;
  for (uint32_t p = 0; p < geo.places().size(); ++p) {
    const Place& pl = geo.place(p);
    double lat = 0, lon = 0;
    if (!LocatePlace(pl, centroids, &lat, &lon)) continue;
    auto [it, fresh] = loc_ids.try_emplace(std::pair{lat, lon},
                                           static_cast<uint32_t>(out.locations.size()));
    if (fresh) out.locations.push_back({lat, lon, pl.country});
    place_loc[p] = it->second;
  }
  std::vector<InPrefix> in[2];
  CollectNetworks(geo, place_loc, st, in);
  // Flatten merges adjacent pieces of one location; each piece becomes the
  // fewest prefixes that cover it. The IPv4 space inside IPv6
  // (::ffff:0:0/96) is left out: IPv4 answers for it.
  for (int fam = 0; fam < 2; ++fam) {
    const int width = fam == 0 ? 32 : 128;
    const std::vector<Piece> pieces = Flatten(in[fam], width);
    std::vector<InPrefix>().swap(in[fam]);
    auto emit = [&](U128 a, U128 b, uint32_t loc) {
      ForEachRangePrefix(a, b, width, [&](U128 lo, int len) {
        out.networks.emplace_back(Prefix::Make(FromU128(lo, width), len), loc);
        (fam == 0 ? st.output_networks_v4 : st.output_networks_v6)++;
      });
    };
    for (const Piece& pc : pieces) {
      if (pc.value == kNone) continue;
      if (fam == 1 && pc.first <= kMappedLast && pc.last >= kMappedFirst) {
        if (pc.first < kMappedFirst) emit(pc.first, kMappedFirst - 1, pc.value);
        if (pc.last > kMappedLast) emit(kMappedLast + 1, pc.last, pc.value);
        continue;
      }
      emit(pc.first, pc.last, pc.value);
    }
  }
  st.output_rows = out.networks.size();
  st.build_seconds = Seconds(t0);
  return out;
}

// ------------------------------------------------------------- output

namespace {

void AppendRtt(std::string& s, int32_t tenths) {
  char buf[16];
  char* p = buf + sizeof buf;
  const int32_t frac = tenths % 10;
  int32_t whole = tenths / 10;
  if (frac != 0) {
    *--p = static_cast<char>('0' + frac);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole > 0);
  s.append(p, buf + sizeof buf - p);
}

// Calls sink(chunk) with the CSV text in pieces of about 1 MiB.
template <typename Sink>
bool EmitCsv(const BuiltLatencyTable& t, Sink sink) {
  std::string buf = "network,region,rtt_ms\n";
  for (const BuiltLatencyTable::Network& n : t.networks) {
    const std::string net = n.network.ToString();
    for (const Cell& c : t.row(n.row)) {
      buf += net;
      buf += ',';
      buf += t.region_names[c.region];
      buf += ',';
      AppendRtt(buf, c.rtt_tenths);
      buf += '\n';
    }
    if (buf.size() > (1 << 20)) {
      if (!sink(buf)) return false;
      buf.clear();
    }
  }
  return buf.empty() || sink(buf);
}

}  // namespace

std::vector<LatencyRow> BuiltLatencyTable::ToLatencyRows() const {
  std::vector<LatencyRow> out;
  out.reserve(stats.output_rows);
  for (const Network& n : networks) {
    for (const Cell& c : row(n.row)) {
      out.push_back({n.network, region_names[c.region], c.rtt_ms(), 0});
    }
  }
  return out;
}

std::string BuiltLatencyTable::ToCsv() const {
  std::string out;
  EmitCsv(*this, [&](const std::string& chunk) {
    out += chunk;
    return true;
  });
  return out;
}

namespace {

// Calls sink(chunk) with the network locations CSV in pieces of ~1 MiB.
template <typename Sink>
bool EmitLocationsCsv(const NetworkLocations& t, Sink sink) {
  std::vector<std::string> loc_text;
  loc_text.reserve(t.locations.size());
  for (const NetworkLocations::Location& l : t.locations) {
    loc_text.push_back(absl::StrCat(",", l.latitude, ",", l.longitude, ",", l.country));
  }
  std::string buf = "network,latitude,longitude,country\n";
  for (const auto& [net, loc] : t.networks) {
    buf += net.ToString();
    buf += loc_text[loc];
    buf += '\n';
    if (buf.size() > (1 << 20)) {
      if (!sink(buf)) return false;
      buf.clear();
    }
  }
  return buf.empty() || sink(buf);
}

// Writes what emit(sink) produces to `path` ("-" = stdout): a regular
// file through a temporary file and a rename. Returns the bytes written.
template <typename Emit>
absl::StatusOr<size_t> WriteChunked(const std::string& path, Emit emit) {
  size_t bytes = 0;
  if (path == "-") {
    const bool ok = emit([&](const std::string& chunk) {
      bytes += chunk.size();
      return std::fwrite(chunk.data(), 1, chunk.size(), stdout) == chunk.size();
    });
    if (!ok || std::fflush(stdout) != 0) {
      return absl::InternalError("stdout: write error");
    }
    return bytes;
  }
  // A regular file (or a new one) is replaced atomically (base/file.h);
  // anything else (/dev/null, a pipe) is written in place.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return base::ErrnoStatus(errno, path);
    bool ok = emit([&](const std::string& chunk) {
      bytes += chunk.size();
      return std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size();
    });
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) return absl::InternalError(absl::StrCat(path, ": write error"));
    return bytes;
  }
  std::string content;
  emit([&](const std::string& chunk) {
    content += chunk;
    return true;
  });
  if (absl::Status s = base::WriteFileAtomically(path, content); !s.ok()) return s;
  return content.size();
}

}  // namespace

absl::StatusOr<size_t> WriteLatencyCsv(const BuiltLatencyTable& table,
                                       const std::string& path) {
  return WriteChunked(path, [&](auto sink) { return EmitCsv(table, sink); });
}

std::string NetworkLocations::ToCsv() const {
  std::string out;
  EmitLocationsCsv(*this, [&](const std::string& chunk) {
    out += chunk;
    return true;
  });
  return out;
}

absl::StatusOr<size_t> WriteNetworkLocationsCsv(const NetworkLocations& locations,
                                                const std::string& path) {
  return WriteChunked(path,
                      [&](auto sink) { return EmitLocationsCsv(locations, sink); });
}

}  // namespace geo
