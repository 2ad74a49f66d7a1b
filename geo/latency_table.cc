#include "geo/latency_table.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/error_list.h"
#include "base/file.h"
#include "base/string_view.h"
#include "absl/strings/str_join.h"
#include "geo/csv_reader.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;
namespace {

constexpr size_t kMaxRegionName = 64;

// Region names are identifiers like "eu-west-1" or "gcp:europe-west1".
bool ValidRegionName(std::string_view s) {
  if (s.empty() || s.size() > kMaxRegionName) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// Accumulates rows (from CSV or LatencyRow), then compiles the table.
class LatencyTableBuilder {
 public:
  explicit LatencyTableBuilder(std::string_view source) : source_(source) {}

  absl::Status AddText(std::string_view network, std::string_view region,
                       std::string_view rtt, int line) {
    absl::StatusOr<Prefix> net = Prefix::Parse(network);
    if (!net.ok()) {
      return Error(line, absl::StrCat("network ", net.status().message()));
    }
    double ms = 0;
    if (!absl::SimpleAtod(AV(rtt), &ms) || !std::isfinite(ms)) {
      return Error(line, absl::StrCat("rtt_ms '", AV(rtt),
                                      "' is not a finite number"));
    }
    return Add(*net, region, ms, line);
  }

  // An error unless `region` is a valid region name.
  absl::Status CheckRegionName(std::string_view region, int line) const {
    if (ValidRegionName(region)) return absl::OkStatus();
    return Error(line, absl::StrCat("region '", AV(region),
                                    "' is not a region name (1-",
                                    kMaxRegionName, " of A-Z a-z 0-9 - _ . :)"));
  }

  absl::Status Add(const Prefix& net, std::string_view region, double rtt,
                   int line) {
    if (absl::Status s = CheckRegionName(region, line); !s.ok()) return s;
    if (!std::isfinite(rtt)) {
      return Error(line, "rtt_ms is not a finite number");
    }
    if (rtt < 0) {
      return Error(line, absl::StrCat("rtt_ms ", rtt, " is negative"));
    }
    // Rows of one network are usually adjacent: skip the hash lookup.
    uint32_t net_id;
    if (!nets_.empty() && nets_[last_net_] == net) {
      net_id = last_net_;
    } else {
      auto [it, fresh] =
          net_ids_.try_emplace(net, static_cast<uint32_t>(nets_.size()));
      if (fresh) nets_.push_back(net);
      net_id = it->second;
    }
    last_net_ = net_id;
    rows_.push_back(Row{net_id, InternRegion(region, line), rtt, line});
    return absl::OkStatus();
  }

  // Expected number of rows (saves the vector's doubling on big loads).
  void Reserve(size_t rows) { rows_.reserve(rows); }

  // Shared mode (FromSharedRows): rows belong to groups 0..groups-1
  // instead of networks, and `networks` map prefixes to groups.
  void SetShared(uint32_t groups,
                 std::vector<std::pair<Prefix, uint32_t>> networks) {
    shared_ = true;
    groups_ = groups;
    shared_nets_ = std::move(networks);
  }
  absl::Status AddToGroup(uint32_t group, std::string_view region, double rtt,
                          int line) {
    if (absl::Status s = CheckRegionName(region, line); !s.ok()) return s;
    if (!std::isfinite(rtt) || rtt < 0) {
      return Error(line, "rtt_ms is not a finite number >= 0");
    }
    rows_.push_back(Row{group, InternRegion(region, line), rtt, line});
    return absl::OkStatus();
  }

  absl::StatusOr<std::shared_ptr<const LatencyTable>> Finish();

 private:
  struct Row {
    uint32_t net;
    uint32_t region;
    double rtt;
    int line;
  };

  // The table id of `region`, first seen at `line`.
  uint32_t InternRegion(std::string_view region, int line) {
    auto rit = region_ids_.find(AV(region));
    if (rit != region_ids_.end()) return rit->second;
    const auto id = static_cast<uint32_t>(region_names_.size());
    region_names_.emplace_back(region);
    region_lines_.push_back(line);
    region_ids_.emplace(std::string(region), id);
    return id;
  }

  absl::Status Error(int line, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ":", line, ": ", AV(what)));
  }

  std::string source_;
  absl::flat_hash_map<std::string, uint32_t> region_ids_;
  std::vector<std::string> region_names_;
  std::vector<int> region_lines_;  // parallel to region_names_
  absl::flat_hash_map<Prefix, uint32_t> net_ids_;
  std::vector<Prefix> nets_;
  uint32_t last_net_ = 0;
  std::vector<Row> rows_;
  // Shared mode: Row::net is a group; these networks use the groups.
  bool shared_ = false;
  uint32_t groups_ = 0;
  std::vector<std::pair<Prefix, uint32_t>> shared_nets_;
};

absl::StatusOr<std::shared_ptr<const LatencyTable>>
LatencyTableBuilder::Finish() {
  std::shared_ptr<LatencyTable> t(new LatencyTable());
  t->source_ = source_;
  const size_t n_regions = region_names_.size();

  // Tie-break order: the region's rank by name.
  std::vector<uint32_t> by_name(n_regions);
  std::iota(by_name.begin(), by_name.end(), 0);
  std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) {
    return region_names_[a] < region_names_[b];
  });
  std::vector<uint32_t> name_rank(n_regions);
  for (uint32_t i = 0; i < n_regions; ++i) name_rank[by_name[i]] = i;

  // Group by network; a (network, region) pair twice is an error, reported
  // at the earliest line that repeats a pair.
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    if (a.net != b.net) return a.net < b.net;
    if (a.region != b.region) return a.region < b.region;
    return a.line < b.line;
  });
  const Row* dup = nullptr;
  const Row* first = nullptr;
  for (size_t i = 1; i < rows_.size(); ++i) {
    const Row& a = rows_[i - 1];
    const Row& b = rows_[i];
    if (a.net == b.net && a.region == b.region &&
        (dup == nullptr || b.line < dup->line)) {
      dup = &b;
      first = &a;
    }
  }
  if (dup != nullptr) {
    // `first` is the pair's first row only if it is the group's first; find
    // the group's earliest line.
    const Row* g = first;
    while (g > rows_.data() && (g - 1)->net == dup->net &&
           (g - 1)->region == dup->region) {
      --g;
    }
    return Error(dup->line,
                 absl::StrCat("duplicate row for ",
                              shared_ ? absl::StrCat("row ", dup->net + 1)
                                      : absl::StrCat("network ",
                                                     nets_[dup->net].ToString()),
                              " and region ",
                              region_names_[dup->region], " (first at line ",
                              g->line, ")"));
  }

  // Rankings: per network, regions by (rtt, name); identical orderings are
  // stored once. The hash set holds ranking ids and hashes their contents.
  std::vector<uint32_t>& arena = t->ranking_regions_;
  std::vector<uint32_t> rk_begin, rk_size;
  auto span_of = [&](uint32_t id) {
    return absl::Span<const uint32_t>(arena.data() + rk_begin[id], rk_size[id]);
  };
  struct Hash {
    const decltype(span_of)* f;
    size_t operator()(uint32_t id) const {
      return absl::Hash<absl::Span<const uint32_t>>()((*f)(id));
    }
  };
  struct Eq {
    const decltype(span_of)* f;
    bool operator()(uint32_t a, uint32_t b) const { return (*f)(a) == (*f)(b); }
  };
  absl::flat_hash_set<uint32_t, Hash, Eq> interned(16, Hash{&span_of},
                                                   Eq{&span_of});
  const size_t n_groups = shared_ ? groups_ : nets_.size();
  std::vector<uint32_t> net_ranking(n_groups, 0);
  std::vector<uint32_t> net_rtt_begin(n_groups, 0);
  t->rtt_ms_.reserve(rows_.size());
  for (size_t b = 0; b < rows_.size();) {
    size_t e = b;
    while (e < rows_.size() && rows_[e].net == rows_[b].net) ++e;
    std::sort(rows_.begin() + b, rows_.begin() + e,
              [&](const Row& x, const Row& y) {
                if (x.rtt != y.rtt) return x.rtt < y.rtt;
                return name_rank[x.region] < name_rank[y.region];
              });
    const uint32_t id = static_cast<uint32_t>(rk_begin.size());
    rk_begin.push_back(static_cast<uint32_t>(arena.size()));
    rk_size.push_back(static_cast<uint32_t>(e - b));
    for (size_t i = b; i < e; ++i) arena.push_back(rows_[i].region);
    auto [it, fresh] = interned.insert(id);
    if (!fresh) {  // an equal ranking exists: drop the copy
      arena.resize(rk_begin.back());
      rk_begin.pop_back();
      rk_size.pop_back();
    }
    const uint32_t net = rows_[b].net;
    net_ranking[net] = *it;
    net_rtt_begin[net] = static_cast<uint32_t>(t->rtt_ms_.size());
    for (size_t i = b; i < e; ++i) {
      t->rtt_ms_.push_back(static_cast<float>(rows_[i].rtt));
    }
    b = e;
  }
  interned.clear();
  // Rows and the network index are done with: free them before the LPM
  // build, the other big transient.
  std::vector<Row>().swap(rows_);
  net_ids_ = {};
  if (rk_begin.size() > PrefixTable::kMaxValue + size_t{1}) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_, ": too many distinct rankings (", rk_begin.size(),
        "; at most ", PrefixTable::kMaxValue + 1, ")"));
  }
  arena.shrink_to_fit();
  t->rankings_.resize(rk_begin.size());
  for (uint32_t i = 0; i < rk_begin.size(); ++i) {
    Ranking& r = t->rankings_[i];
    r.begin_ = arena.data() + rk_begin[i];
    r.size_ = rk_size[i];
    r.id_ = i;
  }

  // The networks and their groups (in plain mode each network is its own
  // group; FromSharedRows checks that every group has rows).
  if (!shared_) {
    shared_nets_.reserve(nets_.size());
    for (uint32_t n = 0; n < nets_.size(); ++n) shared_nets_.emplace_back(nets_[n], n);
    std::vector<Prefix>().swap(nets_);
  }
  const std::vector<std::pair<Prefix, uint32_t>>& nets = shared_nets_;

  // The LPM structure.
  PrefixTable::Builder lpm;
  for (const auto& [p, g] : nets) {
    absl::Status s = lpm.Add(p, net_ranking[g]);
    if (!s.ok()) return s;
  }
  absl::StatusOr<PrefixTable> built = std::move(lpm).Build();
  if (!built.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", built.status().message()));
  }
  t->lpm_ = *std::move(built);

  // Networks for explain, one sorted run per prefix length.
  std::vector<uint32_t> order(nets.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Prefix& x = nets[a].first;
    const Prefix& y = nets[b].first;
    if (x.is_v4() != y.is_v4()) return x.is_v4();
    if (x.length() != y.length()) return x.length() < y.length();
    return x.address() < y.address();
  });
  std::array<uint32_t, 34> v4_count{};
  std::array<uint32_t, 130> v6_count{};
  for (uint32_t n : order) {
    const Prefix& p = nets[n].first;
    const uint32_t g = nets[n].second;
    if (p.is_v4()) {
      t->v4_nets_.push_back({p.address().v4(), net_ranking[g], net_rtt_begin[g]});
      ++v4_count[p.length() + 1];
    } else {
      t->v6_nets_.push_back({p.address().hi(), p.address().lo(),
                             net_ranking[g], net_rtt_begin[g]});
      ++v6_count[p.length() + 1];
    }
  }
  std::partial_sum(v4_count.begin(), v4_count.end(), t->v4_len_begin_.begin());
  std::partial_sum(v6_count.begin(), v6_count.end(), t->v6_len_begin_.begin());

  t->region_names_ = std::move(region_names_);
  t->region_lines_ = std::move(region_lines_);
  for (uint32_t i = 0; i < t->region_names_.size(); ++i) {
    t->region_ids_.emplace(t->region_names_[i], i);
  }
  return std::shared_ptr<const LatencyTable>(std::move(t));
}

absl::StatusOr<std::shared_ptr<const LatencyTable>> LatencyTable::ParseCsv(
    std::string_view text, std::string_view source) {
  LatencyTableBuilder b(source);
  b.Reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  bool have_header = false;
  // Every bad row is reported (up to ErrorList::kMax), not only the first.
  base::ErrorList errors;
  absl::Status s = ForEachCsvRecord(
      text, source,
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        if (!have_header) {
          have_header = true;
          if (f.size() != 3 || f[0] != "network" || f[1] != "region" ||
              f[2] != "rtt_ms") {
            // Without the header the rows cannot be read as anything.
            return absl::InvalidArgumentError(absl::StrCat(
                AV(source), ":", line,
                ": header must be 'network,region,rtt_ms', got '",
                absl::StrJoin(f, ",", StdViewFormatter()), "'"));
          }
          return absl::OkStatus();
        }
        if (f.size() != 3) {
          errors.Add(source, line,
                     absl::StrCat("expected 3 fields (network,region,rtt_ms), got ", f.size()));
          return absl::OkStatus();
        }
        errors.AddStatus(b.AddText(f[0], f[1], f[2], line));
        return absl::OkStatus();
      });
  errors.AddStatus(s);  // a CSV syntax error stops the reading there
  if (!errors.empty()) return errors.ToStatus();
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ":1: empty file (expected the header network,region,rtt_ms)"));
  }
  return b.Finish();
}

absl::StatusOr<std::shared_ptr<const LatencyTable>> LatencyTable::LoadCsv(
    const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseCsv(*text, path);
}

absl::StatusOr<std::shared_ptr<const LatencyTable>> LatencyTable::FromRows(
    absl::Span<const LatencyRow> rows, std::string_view source) {
  LatencyTableBuilder b(source);
  b.Reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const LatencyRow& r = rows[i];
    const int line = r.line > 0 ? r.line : static_cast<int>(i + 1);
    absl::Status s = b.Add(r.network, r.region, r.rtt_ms, line);
    if (!s.ok()) return s;
  }
  return b.Finish();
}

absl::StatusOr<std::shared_ptr<const LatencyTable>>
LatencyTable::FromSharedRows(SharedRows in, std::string_view source) {
  LatencyTableBuilder b(source);
  size_t cells = 0;
  for (const auto& row : in.rows) cells += row.size();
  b.Reserve(cells);
  for (size_t i = 0; i < in.rows.size(); ++i) {
    const int line = static_cast<int>(i + 1);
    if (in.rows[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AV(source), ": row ", line, " has no regions"));
    }
    for (const auto& [region, rtt] : in.rows[i]) {
      absl::Status s = b.AddToGroup(static_cast<uint32_t>(i), region, rtt, line);
      if (!s.ok()) return s;
    }
  }
  for (const auto& [p, g] : in.networks) {
    if (g >= in.rows.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AV(source), ": network ", p.ToString(), " names row ",
                       g + 1, " of ", in.rows.size()));
    }
  }
  b.SetShared(static_cast<uint32_t>(in.rows.size()), std::move(in.networks));
  return b.Finish();
}

std::shared_ptr<const LatencyTable> LatencyTable::Empty() {
  return *FromRows({}, "empty");
}

std::optional<TableRegion> LatencyTable::FindRegion(
    std::string_view name) const {
  auto it = region_ids_.find(AV(name));
  if (it == region_ids_.end()) return std::nullopt;
  return it->second;
}

absl::Status LatencyTable::CheckRegions(const RegionRegistry& registry) const {
  // Every unknown region, at the line that first names it, in line order.
  std::vector<std::pair<int, const std::string*>> unknown;
  for (size_t i = 0; i < region_names_.size(); ++i) {
    if (registry.Find(region_names_[i]) == nullptr) unknown.emplace_back(region_lines_[i], &region_names_[i]);
  }
  std::sort(unknown.begin(), unknown.end());
  base::ErrorList errors;
  for (const auto& [line, name] : unknown) errors.Add(source_, line, registry.UnknownRegionMessage(*name));
  return errors.ToStatus();
}

void LatencyTable::Explain(const Address& a, const RankResult& r,
                           RankExplanation* out) const noexcept {
  *out = RankExplanation{};
  out->ranking = r.ranking;
  out->scope = r.scope;
  auto found = [&](const Prefix& p, uint32_t ranking, uint32_t rtt_begin) {
    out->matched = true;
    out->network = p;
    out->ranking = &rankings_[ranking];
    out->rtt_ms = absl::Span<const float>(rtt_ms_.data() + rtt_begin,
                                          rankings_[ranking].size());
  };
  auto search_v6 = [&](uint64_t hi, uint64_t lo, int max_len) {
    for (int len = max_len; len >= 0; --len) {
      const uint64_t mh = len >= 64 ? hi : hi & Mask64(len);
      const uint64_t ml = len >= 64 ? lo & Mask64(len - 64) : 0;
      auto first = v6_nets_.begin() + v6_len_begin_[len];
      auto last = v6_nets_.begin() + v6_len_begin_[len + 1];
      auto it = std::lower_bound(first, last, std::make_pair(mh, ml),
                                 [](const NetV6& n, std::pair<uint64_t, uint64_t> k) {
                                   return std::make_pair(n.hi, n.lo) < k;
                                 });
      if (it != last && it->hi == mh && it->lo == ml) {
        found(Prefix::Make(Address::FromWords(mh, ml), len), it->ranking,
              it->rtt_begin);
        return true;
      }
    }
    return false;
  };
  if (a.is_v4()) {
    const uint32_t v = a.v4();
    for (int len = 32; len >= 0; --len) {
      const uint32_t m = v & MaskV4(len);
      auto first = v4_nets_.begin() + v4_len_begin_[len];
      auto last = v4_nets_.begin() + v4_len_begin_[len + 1];
      auto it = std::lower_bound(
          first, last, m, [](const NetV4& n, uint32_t k) { return n.addr < k; });
      if (it != last && it->addr == m) {
        found(Prefix::Make(Address::FromV4(m), len), it->ranking,
              it->rtt_begin);
        return;
      }
    }
    // IPv6 rows covering ::ffff:0:0/96 (e.g. ::/0) apply to IPv4.
    search_v6(0, kV4MappedTag << 32, 95);
    return;
  }
  search_v6(a.hi(), a.lo(), 128);
}

const Ranking* LatencyTable::DefaultRanking(bool v6) const {
  // Networks are sorted by length: the /0 run is [len_begin[0], len_begin[1]).
  if (!v6 && v4_len_begin_[1] > v4_len_begin_[0])
    return &rankings_[v4_nets_[v4_len_begin_[0]].ranking];
  if (v6_len_begin_[1] > v6_len_begin_[0])
    return &rankings_[v6_nets_[v6_len_begin_[0]].ranking];
  return nullptr;
}

LatencyTable::Memory LatencyTable::memory() const {
  Memory m;
  m.prefix_table = lpm_.MemoryBytes();
  m.rankings = ranking_regions_.capacity() * sizeof(TableRegion) +
               rankings_.capacity() * sizeof(Ranking);
  for (const std::string& n : region_names_) m.rankings += sizeof n + n.size();
  m.explain = v4_nets_.capacity() * sizeof(NetV4) +
              v6_nets_.capacity() * sizeof(NetV6) +
              rtt_ms_.capacity() * sizeof(float);
  return m;
}

}  // namespace geo
