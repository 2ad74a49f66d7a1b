// File: geo/prefix_table.h
//
// PrefixTable: a frozen longest-prefix-match table from IPv4/IPv6 prefixes
// to small integer values (in steerdns: latency-table ranking ids). A
// lookup returns the value of the longest matching prefix *and* the ECS
// scope: the shortest prefix length L such that every address in the
// client's /L gets the same value (gdnsd's "widest supernet with the same
// answer"). With 20.0.0.0/8 -> A and 20.1.0.0/16 -> B, 20.2.0.0 gets A with
// scope 15 (20.2.0.0/15 holds no part of 20.1/16; 20.0.0.0/14 does).
//
// Layout (built once, then read-only):
//
//   root[65536]      one 32-bit entry per value of the top 16 address bits
//   nodes[]          the rest, in 16-byte units, of three kinds
//
//   entry = | 1 | value:23 | scope:8 |   leaf: the answer
//         = | 0 | kind:2 | unit:29   |   inner: continue at nodes[unit * 4]
//
//   kind 0  chunk of 16 entries (64 B, one cache line): next 4 bits index it
//   kind 1  wide chunk of 256 entries: next 8 bits index it
//   kind 2  skip node (16 B): the next S <= 32 bits must equal a pattern;
//           if they do, continue with the node's next entry, else the
//           answer is the node's value with scope = depth of the first
//           differing bit + 1. Replaces a chain of single-child trie
//           levels (sparse areas: a lone /48 under a /16 costs one node).
//
// The builder makes a leaf-pushed binary trie per top-16 bucket, merges
// siblings with equal values bottom-up (so the depth where a lookup lands
// on a leaf is exactly the scope), then compiles it: a chain of at least
// kMinSkip single-child levels with one off-path value becomes a skip node;
// otherwise a wide chunk where the subtree is dense (at least
// kWideThreshold inner nodes four levels down), else a 16-entry chunk. An
// IPv4 /24 typically costs the root read plus one or two more.
//
// IPv4 and IPv6 are separate trees; IPv4 (and v4-mapped IPv6) addresses use
// the IPv4 tree and get scopes in 0..32, IPv6 in 0..128. The IPv4 space is
// ::ffff:0:0/96 inside IPv6, so an IPv6 row covering it (::/0, say) is what
// IPv4 addresses that match no IPv4 row get. v4-mapped addresses never reach
// the IPv6 tree, and IPv6 scopes ignore the v4-mapped subspace (an ECS
// scope only ever applies within its own family).
//
// Example:
//   geo::PrefixTable::Builder b;
//   b.Add(*geo::Prefix::Parse("20.0.0.0/8"), 1);
//   b.Add(*geo::Prefix::Parse("20.1.0.0/16"), 2);
//   absl::StatusOr<geo::PrefixTable> t = std::move(b).Build();
//   geo::PrefixTable::Result r = t->Lookup(*geo::Address::Parse("20.2.0.1"));
//   // r.value == 1, r.scope == 15
//
// Thread safety: a built PrefixTable is immutable; Lookup() is safe from any
// number of threads. Builder is not thread-safe.
#ifndef STEERDNS_GEO_PREFIX_TABLE_H_
#define STEERDNS_GEO_PREFIX_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/address.h"

namespace geo {

class PrefixTable {
 public:
  // Values are 23-bit: 0..kMaxValue; kNoValue means "no prefix matched".
  static constexpr uint32_t kValueBits = 23;
  static constexpr uint32_t kNoValue = (uint32_t{1} << kValueBits) - 1;
  static constexpr uint32_t kMaxValue = kNoValue - 1;
  // A chunk at depth d gets an 8-bit stride when at least this many of the
  // 16 binary-trie nodes at depth d+4 are inner nodes, i.e. when a 256-entry
  // chunk (1 KiB) costs at most about twice the 4+4 chunks (64 B each) it
  // replaces. Saves one dependent memory read on dense paths.
  static constexpr int kWideThreshold = 8;
  // A chain of at least this many single-child levels becomes a skip node
  // (shorter ones: a 4-bit chunk covers them in one read too).
  static constexpr int kMinSkip = 4;

  struct Result {
    uint32_t value;  // value of the longest matching prefix, or kNoValue
    uint8_t scope;   // in the address family's terms: IPv4 0..32, IPv6 0..128
  };

  // Size and shape of the frozen structure, for logs and benchmarks.
  struct Stats {
    size_t v4_prefixes = 0;
    size_t v6_prefixes = 0;
    size_t v4_nodes_bytes = 0;  // chunk and skip storage
    size_t v6_nodes_bytes = 0;
    size_t chunks = 0;          // 16-entry chunks, both families
    size_t wide_chunks = 0;     // 256-entry chunks
    size_t skips = 0;           // skip nodes
    int v4_max_reads = 1;       // worst-case dependent reads per lookup
    int v6_max_reads = 1;
    size_t bytes = 0;           // root arrays + chunk arrays
  };

  // Collects rows, then Build() freezes them. Not thread-safe.
  class Builder {
   public:
    // Adds prefix -> value. InvalidArgument if value > kMaxValue. A prefix
    // given twice is reported by Build().
    absl::Status Add(const Prefix& prefix, uint32_t value);
    size_t size() const { return v4_.size() + v6_.size(); }

    // Compiles the table. InvalidArgument "duplicate prefix P" if a prefix
    // was added twice; ResourceExhausted if the structure would exceed its
    // 29-bit node index (8 GiB; not reachable with realistic tables).
    absl::StatusOr<PrefixTable> Build() &&;

   private:
    friend class PrefixTable;
    struct Row {
      unsigned __int128 key;  // address bits, left-aligned (bit 0 = MSB)
      uint32_t value;
      uint8_t len;
    };
    std::vector<Row> v4_;
    std::vector<Row> v6_;
  };

  // An empty table: every lookup gives {kNoValue, 0}.
  PrefixTable();
  PrefixTable(PrefixTable&&) noexcept = default;
  PrefixTable& operator=(PrefixTable&&) noexcept = default;
  PrefixTable(const PrefixTable&) = delete;
  PrefixTable& operator=(const PrefixTable&) = delete;

  // Longest-prefix match of `a` (v4-mapped addresses as IPv4). noexcept,
  // no allocation, no locks.
  Result Lookup(const Address& a) const noexcept {
    return a.is_v4() ? LookupV4(a.v4()) : LookupV6(a.hi(), a.lo());
  }
  // The same for an IPv4 value (e.g. 0xC0000201) ...
  Result LookupV4(uint32_t a) const noexcept;
  // ... and for an IPv6 address given as two 64-bit halves. The halves
  // must not be v4-mapped (use Lookup() when unsure).
  Result LookupV6(uint64_t hi, uint64_t lo) const noexcept;

  const Stats& stats() const { return stats_; }
  // Approximate bytes held by the frozen arrays.
  size_t MemoryBytes() const { return stats_.bytes; }

 private:
  static constexpr uint32_t kLeafBit = uint32_t{1} << 31;
  static constexpr int kKindShift = 29;
  static constexpr uint32_t kKindMask = uint32_t{3} << kKindShift;
  static constexpr uint32_t kChunk = uint32_t{0} << kKindShift;
  static constexpr uint32_t kWide = uint32_t{1} << kKindShift;
  static constexpr uint32_t kSkip = uint32_t{2} << kKindShift;
  static constexpr uint32_t kUnitMask = (uint32_t{1} << kKindShift) - 1;
  static constexpr int kRootBits = 16;

  // Skip node, 4 entries: the pattern and mask left-aligned in 32 bits,
  // the mismatch leaf (scope byte = S, the bits it covers), the next entry.
  enum SkipField { kPattern = 0, kMask = 1, kElse = 2, kNext = 3 };

  struct FreeDeleter {
    void operator()(uint32_t* p) const noexcept;
  };
  using Entries = std::unique_ptr<uint32_t[], FreeDeleter>;
  struct Tree {
    Entries root;   // 1 << kRootBits entries
    Entries nodes;  // chunks and skip nodes, in 4-entry (16-byte) units
  };
  class Compiler;  // prefix_table.cc

  // The walk of both lookups, from the root entry `e` (at depth
  // kRootBits) to a leaf; bits_from(depth) gives the address bits from
  // `depth` on, left-aligned in a uint32_t (IPv4) or uint64_t (IPv6).
  template <typename BitsFrom>
  static Result Walk(const Tree& t, uint32_t e, BitsFrom bits_from) noexcept;
  static Entries Allocate(size_t n);

  Tree v4_;
  Tree v6_;
  Stats stats_;
};

template <typename BitsFrom>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline PrefixTable::Result PrefixTable::Walk(
    const Tree& t, uint32_t e, BitsFrom bits_from) noexcept {
  uint32_t depth = kRootBits;
  while ((e & kLeafBit) == 0) {
    const uint32_t* n = &t.nodes[size_t{e & kUnitMask} << 2];
    const auto bits = bits_from(depth);  // uint32_t or uint64_t
    constexpr int kWidth = 8 * sizeof bits;
    const uint32_t kind = e & kKindMask;
    if (kind == kSkip) {
      const uint32_t diff =
          (static_cast<uint32_t>(bits >> (kWidth - 32)) ^ n[kPattern]) &
          n[kMask];
      if (diff != 0) {
        return Result{(n[kElse] >> 8) & kNoValue,
                      static_cast<uint8_t>(depth + __builtin_clz(diff) + 1)};
      }
      depth += n[kElse] & 0xff;
      e = n[kNext];
    } else {
      const uint32_t k = kind == kWide ? 8 : 4;
      e = n[bits >> (kWidth - k)];
      depth += k;
    }
  }
  return Result{(e >> 8) & kNoValue, static_cast<uint8_t>(e)};
}

inline PrefixTable::Result PrefixTable::LookupV4(uint32_t a) const noexcept {
  // depth < 32 in the walk: no inner node sits at depth 32.
  return Walk(v4_, v4_.root[a >> 16],
              [a](uint32_t depth) { return a << depth; });
}

inline PrefixTable::Result PrefixTable::LookupV6(uint64_t hi,
                                                 uint64_t lo) const noexcept {
  // The 64 address bits from `depth` on (16 <= depth < 128).
  return Walk(v6_, v6_.root[hi >> 48], [hi, lo](uint32_t depth) {
    return depth < 64 ? (hi << depth) | (lo >> (64 - depth))
                      : lo << (depth - 64);
  });
}

}  // namespace geo

#endif  // STEERDNS_GEO_PREFIX_TABLE_H_
