// File: geo/latency_table.h
//
// LatencyTable: client network -> regions ordered by RTT, compiled from the
// latency CSV
//
//   network,region,rtt_ms
//   198.51.100.0/24,eu-west-1,14.2
//   198.51.100.0/24,us-east-1,81
//   0.0.0.0/0,us-east-1,120          <- default ranking for IPv4
//   ::/0,us-east-1,120               <- default for IPv6 (and for IPv4 when
//                                       there is no 0.0.0.0/0 row)
//
// One row per (network, region). A network's rows make its *ranking*: the
// regions ordered by RTT, ties broken by region name (byte order). Identical
// rankings are interned (stored once, shared by every network that has
// them). The longest matching network decides; rows are never merged across
// networks (a /24 that lists only eu-west-1 ranks only eu-west-1, even if its
// /8 lists more).
//
// Region names are interned to table-local ids (TableRegion); a snapshot
// maps them to RegionRegistry ids by name. Rank() gives the ranking and the
// ECS scope (see prefix_table.h for what the scope means).
//
// Example:
//   absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> t =
//       geo::LatencyTable::LoadCsv("latency.csv");
//   if (!t.ok()) { /* "latency.csv:12: rtt_ms '-1' is negative" */ }
//   geo::RankResult r = (*t)->Rank(client);
//   for (uint32_t region : r.ranking->regions()) ...;   // best first
//
// Thread safety: immutable after loading; Rank() is safe from any number of
// threads. Loading runs on the control thread.
#ifndef STEERDNS_GEO_LATENCY_TABLE_H_
#define STEERDNS_GEO_LATENCY_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "geo/address.h"
#include "geo/prefix_table.h"
#include "geo/regions.h"

namespace geo {

// A region's id inside one LatencyTable (0..region_count()-1).
using TableRegion = uint32_t;

// One interned ranking: table-local region ids, lowest RTT first.
class Ranking {
 public:
  absl::Span<const TableRegion> regions() const { return {begin_, size_}; }
  size_t size() const { return size_; }
  TableRegion operator[](size_t i) const { return begin_[i]; }
  // Dense id within the table (0..ranking_count()-1).
  uint32_t id() const { return id_; }

 private:
  friend class LatencyTable;
  friend class LatencyTableBuilder;
  const TableRegion* begin_ = nullptr;
  uint32_t size_ = 0;
  uint32_t id_ = 0;
};

// What Rank() returns: 16 bytes, in registers.
struct RankResult {
  const Ranking* ranking;  // nullptr: no row matched and no default row
  uint8_t scope;           // ECS scope, IPv4 0..32 / IPv6 0..128
};

// What the explain path adds: the table row that decided.
struct RankExplanation {
  bool matched = false;             // false: no row matched (ranking null)
  Prefix network;                   // the longest matching network
  const Ranking* ranking = nullptr;
  absl::Span<const float> rtt_ms;   // parallel to ranking->regions()
  uint8_t scope = 0;
};

// One row for FromRows().
struct LatencyRow {
  Prefix network;
  std::string region;
  double rtt_ms = 0;
  int line = 0;  // for errors; 0 = use the row's index + 1
};

class LatencyTable {
 public:
  // Loads a latency CSV. Errors: NotFound/PermissionDenied for the file;
  // InvalidArgument "path:line: message" for a header other than exactly
  // `network,region,rtt_ms`, a row without exactly 3 fields, a network that
  // does not parse or has host bits set (10.1.2.3/8), an empty or malformed
  // region name, an rtt_ms that is not a finite number >= 0, a second row
  // for the same (network, region) (reported at the later line).
  static absl::StatusOr<std::shared_ptr<const LatencyTable>> LoadCsv(
      const std::string& path);
  // The same for CSV text; `source` names it in errors.
  static absl::StatusOr<std::shared_ptr<const LatencyTable>> ParseCsv(
      std::string_view text, std::string_view source);
  // From rows already parsed (tests, tools). Same checks and errors, with
  // `source:line` from each row's line.
  static absl::StatusOr<std::shared_ptr<const LatencyTable>> FromRows(
      absl::Span<const LatencyRow> rows, std::string_view source = "rows");
  // Rows shared by many networks, e.g. a table computed per location (see
  // geo/build/location_table.h): networks[j] = (network, i) takes rows[i], a
  // list of (region, rtt_ms) cells. Each row's ranking and RTTs are stored
  // once, however many networks use it, so a table of 10^6 networks over
  // a few hundred locations costs the LPM structure and little more.
  // Errors as FromRows, with the row's 1-based index for a line (a bad
  // region or RTT: "source:N: ..."; a network given twice: "duplicate
  // prefix P"), and InvalidArgument for an empty row or a row index out of
  // range.
  struct SharedRows {
    std::vector<std::vector<std::pair<std::string, double>>> rows;
    std::vector<std::pair<Prefix, uint32_t>> networks;
  };
  // Takes `in` by value: move it in to spare a copy of the networks.
  static absl::StatusOr<std::shared_ptr<const LatencyTable>> FromSharedRows(
      SharedRows in, std::string_view source);
  // A table without rows: every Rank() gives {nullptr, 0}.
  static std::shared_ptr<const LatencyTable> Empty();

  LatencyTable(const LatencyTable&) = delete;
  LatencyTable& operator=(const LatencyTable&) = delete;

  // The ranking of the longest network containing `a` (v4-mapped as IPv4),
  // and the ECS scope. noexcept, no allocation, no locks. With a non-null
  // `explain` (explain/trace path only) also finds the deciding row, by
  // binary search per prefix length.
  //
  // The scope is in `a`'s family: an ECS option of family 2 (IPv6) that
  // carries a v4-mapped address gets an IPv4 scope here; add 96 before
  // writing it into that reply's SCOPE PREFIX-LENGTH. The scope may exceed
  // the query's SOURCE PREFIX-LENGTH (RFC 7871 §7.2.1 allows that).
  RankResult Rank(const Address& a,
                  RankExplanation* explain = nullptr) const noexcept {
    const PrefixTable::Result r = lpm_.Lookup(a);
    RankResult out{r.value == PrefixTable::kNoValue ? nullptr
                                                    : &rankings_[r.value],
                   r.scope};
    if (explain != nullptr) [[unlikely]] {
      Explain(a, out, explain);
    }
    return out;
  }

  size_t region_count() const { return region_names_.size(); }
  // Name of table region `id` (must be < region_count()).
  const std::string& region_name(TableRegion id) const {
    return region_names_[id];
  }
  // The line of the first row naming table region `id` (for errors).
  int region_line(TableRegion id) const { return region_lines_[id]; }
  // The table id of region `name`, if any row names it.
  std::optional<TableRegion> FindRegion(std::string_view name) const;
  // Every region the rows name must be in `registry`: OK, or
  // InvalidArgument "source:line: unknown region 'eu-wset-1' (did you mean
  // 'eu-west-1'?)" (RegionRegistry::CheckName) for the first row, in line
  // order, naming one it lacks.
  absl::Status CheckRegions(const RegionRegistry& registry) const;
  // The ranking of the default row: 0.0.0.0/0 for IPv4 clients (::/0 when
  // the table has no 0.0.0.0/0 row), ::/0 for IPv6; nullptr if none.
  // Control side (snapshot build); not for the query path.
  const Ranking* DefaultRanking(bool v6) const;

  size_t network_count() const { return v4_nets_.size() + v6_nets_.size(); }
  size_t ranking_count() const { return rankings_.size(); }
  const Ranking& ranking(uint32_t id) const { return rankings_[id]; }
  const PrefixTable& prefix_table() const { return lpm_; }
  const std::string& source() const { return source_; }

  // Approximate bytes held, by part.
  struct Memory {
    size_t prefix_table = 0;  // the LPM structure (query path)
    size_t rankings = 0;      // interned rankings (query path)
    size_t explain = 0;       // networks and RTTs kept for explain only
    size_t total() const { return prefix_table + rankings + explain; }
  };
  Memory memory() const;

 private:
  friend class LatencyTableBuilder;
  LatencyTable() = default;
  void Explain(const Address& a, const RankResult& r,
               RankExplanation* out) const noexcept;

  // Networks kept for explain, sorted by (length, address) so that each
  // length is one binary-searchable run.
  struct NetV4 {
    uint32_t addr;
    uint32_t ranking;
    uint32_t rtt_begin;  // index into rtt_ms_
  };
  struct NetV6 {
    uint64_t hi, lo;
    uint32_t ranking;
    uint32_t rtt_begin;
  };

  std::string source_;
  PrefixTable lpm_;
  std::vector<std::string> region_names_;
  std::vector<int> region_lines_;  // parallel to region_names_
  absl::flat_hash_map<std::string, TableRegion> region_ids_;
  std::vector<TableRegion> ranking_regions_;  // all rankings, back to back
  std::vector<Ranking> rankings_;
  std::vector<NetV4> v4_nets_;
  std::vector<NetV6> v6_nets_;
  std::array<uint32_t, 34> v4_len_begin_{};   // run of length L: [L], [L+1]
  std::array<uint32_t, 130> v6_len_begin_{};
  std::vector<float> rtt_ms_;
};

}  // namespace geo

#endif  // STEERDNS_GEO_LATENCY_TABLE_H_
