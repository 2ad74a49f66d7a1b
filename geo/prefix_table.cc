#include "geo/prefix_table.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"

namespace geo {
namespace {

using u128 = unsigned __int128;

// Arrays at least this large go on 2 MiB-aligned memory with
// MADV_HUGEPAGE: a random lookup then costs no extra page walk per level.
constexpr size_t kHugePageThreshold = size_t{4} << 20;
constexpr size_t kHugePage = size_t{2} << 20;

unsigned BitAt(u128 key, unsigned depth) {
  return static_cast<unsigned>(key >> (127 - depth)) & 1u;
}

u128 KeyOf(const Prefix& p) {
  const Address& a = p.address();
  if (a.is_v4()) return static_cast<u128>(a.v4()) << 96;
  return (static_cast<u128>(a.hi()) << 64) | a.lo();
}

}  // namespace

void PrefixTable::FreeDeleter::operator()(uint32_t* p) const noexcept {
  std::free(p);
}

PrefixTable::Entries PrefixTable::Allocate(size_t n) {
  size_t bytes = std::max<size_t>(n, 16) * sizeof(uint32_t);
  const size_t align = bytes >= kHugePageThreshold ? kHugePage : 64;
  bytes = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, bytes);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // best effort
  return Entries(static_cast<uint32_t*>(p));
}

// Compiles one family's sorted, duplicate-free rows into a Tree.
class PrefixTable::Compiler {
 public:
  using Row = Builder::Row;

  explicit Compiler(unsigned width) : width_(width) {}

  // `rows` sorted by (key, len). `base` is the value of addresses no row
  // covers. Fills `tree` and adds to `stats`.
  absl::Status Compile(const std::vector<Row>& rows, uint32_t base, Tree* tree,
                       Stats* stats, size_t* nodes_bytes, int* max_reads) {
    constexpr size_t kBuckets = size_t{1} << kRootBits;
    constexpr uint32_t kMixed = ~uint32_t{0};
    std::vector<uint32_t> root(kBuckets, 0);
    // Value of each bucket when uniform, kMixed when it needs nodes.
    std::vector<uint32_t> uniform(kBuckets, base);

    // Rows of length <= 16 paint whole buckets, shortest first, so that a
    // longer prefix overwrites the shorter one it lies in.
    std::vector<const Row*> shallow;
    for (const Row& r : rows) {
      if (r.len <= kRootBits) shallow.push_back(&r);
    }
    std::stable_sort(shallow.begin(), shallow.end(),
                     [](const Row* a, const Row* b) { return a->len < b->len; });
    for (const Row* r : shallow) {
      const size_t first = static_cast<size_t>(r->key >> (128 - kRootBits));
      const size_t count = size_t{1} << (kRootBits - r->len);
      std::fill_n(uniform.begin() + first, count, r->value);
    }

    // Buckets holding longer rows get a binary trie, then nodes.
    std::vector<Row> deep;
    for (const Row& r : rows) {
      if (r.len > kRootBits) deep.push_back(r);
    }
    for (size_t i = 0; i < deep.size();) {
      const size_t bucket = static_cast<size_t>(deep[i].key >> (128 - kRootBits));
      size_t j = i;
      while (j < deep.size() &&
             static_cast<size_t>(deep[j].key >> (128 - kRootBits)) == bucket) {
        ++j;
      }
      trie_.clear();
      const uint32_t ref =
          BuildTrie(deep.data() + i, deep.data() + j, kRootBits, uniform[bucket]);
      if (IsTrieLeaf(ref)) {
        uniform[bucket] = ref & PrefixTable::kNoValue;
      } else {
        root[bucket] = CompileNode(ref, kRootBits, 1);
        uniform[bucket] = kMixed;
      }
      i = j;
    }
    if (entries_.size() / 4 > kUnitMask) {
      return absl::ResourceExhaustedError(
          "prefix table too large for 29-bit node indices");
    }

    // Scopes of uniform buckets: the shortest length whose block is
    // uniform. levels[l][i] is the value of block i at length l, or kMixed.
    std::vector<std::vector<uint32_t>> levels(kRootBits + 1);
    levels[kRootBits] = uniform;
    for (int l = kRootBits - 1; l >= 0; --l) {
      const std::vector<uint32_t>& below = levels[l + 1];
      std::vector<uint32_t>& cur = levels[l];
      cur.resize(size_t{1} << l);
      for (size_t b = 0; b < cur.size(); ++b) {
        cur[b] = below[2 * b] == below[2 * b + 1] ? below[2 * b] : kMixed;
      }
    }
    for (size_t b = 0; b < kBuckets; ++b) {
      if (uniform[b] == kMixed) continue;
      int scope = kRootBits;
      for (int l = 0; l <= kRootBits; ++l) {
        if (levels[l][b >> (kRootBits - l)] != kMixed) {
          scope = l;
          break;
        }
      }
      root[b] = LeafWord(uniform[b], static_cast<unsigned>(scope));
    }

    tree->root = Allocate(kBuckets);
    std::memcpy(tree->root.get(), root.data(), kBuckets * sizeof(uint32_t));
    tree->nodes = Allocate(entries_.size());
    if (!entries_.empty()) {
      std::memcpy(tree->nodes.get(), entries_.data(),
                  entries_.size() * sizeof(uint32_t));
    }
    *nodes_bytes = entries_.size() * sizeof(uint32_t);
    stats->chunks += chunks_;
    stats->wide_chunks += wide_chunks_;
    stats->skips += skips_;
    *max_reads = max_reads_;
    return absl::OkStatus();
  }

 private:
  // Binary-trie references: a leaf (bit 31 set, value in the low 23 bits)
  // or the index of an inner node in trie_.
  static constexpr uint32_t kTrieLeaf = uint32_t{1} << 31;
  static bool IsTrieLeaf(uint32_t ref) { return (ref & kTrieLeaf) != 0; }

  static uint32_t LeafWord(uint32_t value, unsigned scope) {
    return kLeafBit | (value << 8) | scope;
  }

  // Leaf-pushed binary trie over rows [lo, hi), all inside the node at
  // `depth`; `inherited` is the value of the longest row covering the node.
  // Siblings with equal leaf values merge, so a leaf's depth is its scope.
  uint32_t BuildTrie(const Row* lo, const Row* hi, unsigned depth,
                     uint32_t inherited) {
    // Sorted by (key, len): a row spanning this whole node comes first.
    while (lo != hi && lo->len == depth) {
      inherited = lo->value;
      ++lo;
    }
    if (lo == hi) return kTrieLeaf | inherited;
    const Row* mid = std::partition_point(
        lo, hi, [depth](const Row& r) { return BitAt(r.key, depth) == 0; });
    const uint32_t zero = BuildTrie(lo, mid, depth + 1, inherited);
    const uint32_t one = BuildTrie(mid, hi, depth + 1, inherited);
    if (IsTrieLeaf(zero) && zero == one) return zero;
    trie_.push_back({zero, one});
    return static_cast<uint32_t>(trie_.size() - 1);
  }

  // Follows `steps` bits of `path` (most significant first) from `ref`,
  // stopping at a leaf. Returns the reference reached and its depth.
  std::pair<uint32_t, unsigned> Walk(uint32_t ref, unsigned depth,
                                     uint32_t path, unsigned steps) const {
    for (unsigned i = steps; i > 0 && !IsTrieLeaf(ref); --i) {
      ref = trie_[ref][(path >> (i - 1)) & 1u];
      ++depth;
    }
    return {ref, depth};
  }

  // Looks for a chain from inner node `ref`: levels where one child is a
  // leaf, all with the same value (the "else" value), the other child
  // continuing. Returns its length (at most 32), the path bits
  // (left-aligned), the else value and where the chain ends: an inner node,
  // or a leaf when the last level has two leaf children.
  struct Chain {
    unsigned length = 0;
    uint32_t pattern = 0;
    uint32_t else_value = 0;
    uint32_t end = 0;
  };
  Chain FindChain(uint32_t ref) const {
    Chain c;
    c.end = ref;
    while (c.length < 32 && !IsTrieLeaf(c.end)) {
      const std::array<uint32_t, 2>& n = trie_[c.end];
      unsigned on;  // the child the chain follows
      if (IsTrieLeaf(n[0]) && IsTrieLeaf(n[1])) {
        // Last level: follow the child whose sibling has the else value.
        if (c.length > 0 && (n[0] & PrefixTable::kNoValue) == c.else_value) {
          on = 1;
        } else if (c.length > 0 &&
                   (n[1] & PrefixTable::kNoValue) == c.else_value) {
          on = 0;
        } else {
          break;
        }
      } else if (IsTrieLeaf(n[0]) != IsTrieLeaf(n[1])) {
        on = IsTrieLeaf(n[0]) ? 1 : 0;
        const uint32_t off = n[1 - on] & PrefixTable::kNoValue;
        if (c.length == 0) {
          c.else_value = off;
        } else if (off != c.else_value) {
          break;
        }
      } else {
        break;  // two inner children: a branch
      }
      c.pattern |= uint32_t{on} << (31 - c.length);
      ++c.length;
      c.end = n[on];
    }
    return c;
  }

  // Emits the node for inner trie node `ref` at `depth` and returns the
  // entry that points at it. `reads` counts the dependent reads a lookup
  // has made on arrival here.
  uint32_t CompileNode(uint32_t ref, unsigned depth, int reads) {
    max_reads_ = std::max(max_reads_, reads + 1);
    const Chain chain = FindChain(ref);
    if (chain.length >= static_cast<unsigned>(kMinSkip)) {
      const size_t base = entries_.size();
      entries_.resize(base + 4);
      ++skips_;
      const unsigned next_depth = depth + chain.length;
      const uint32_t next =
          IsTrieLeaf(chain.end)
              ? LeafWord(chain.end & PrefixTable::kNoValue, next_depth)
              : CompileNode(chain.end, next_depth, reads + 1);
      entries_[base + kPattern] = chain.pattern;
      entries_[base + kMask] = ~uint32_t{0} << (32 - chain.length);
      entries_[base + kElse] = LeafWord(chain.else_value, chain.length);
      entries_[base + kNext] = next;
      return kSkip | static_cast<uint32_t>(base >> 2);
    }
    unsigned k = 4;
    if (depth + 8 <= width_) {
      int inner = 0;
      for (uint32_t p = 0; p < 16; ++p) {
        if (!IsTrieLeaf(Walk(ref, depth, p, 4).first)) ++inner;
      }
      if (inner >= kWideThreshold) k = 8;
    }
    const size_t base = entries_.size();
    entries_.resize(base + (size_t{1} << k));
    if (k == 8) {
      ++wide_chunks_;
    } else {
      ++chunks_;
    }
    for (uint32_t p = 0; p < (uint32_t{1} << k); ++p) {
      const auto [r, d] = Walk(ref, depth, p, k);
      const uint32_t word = IsTrieLeaf(r)
                                ? LeafWord(r & PrefixTable::kNoValue, d)
                                : CompileNode(r, depth + k, reads + 1);
      entries_[base + p] = word;  // after the recursion: entries_ may move
    }
    return (k == 8 ? kWide : kChunk) | static_cast<uint32_t>(base >> 2);
  }

  const unsigned width_;
  std::vector<std::array<uint32_t, 2>> trie_;  // one bucket at a time
  std::vector<uint32_t> entries_;
  size_t chunks_ = 0;
  size_t wide_chunks_ = 0;
  size_t skips_ = 0;
  int max_reads_ = 1;
};

absl::Status PrefixTable::Builder::Add(const Prefix& prefix, uint32_t value) {
  if (value > kMaxValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("prefix table value ", value, " exceeds ", kMaxValue));
  }
  Row row{KeyOf(prefix), value, static_cast<uint8_t>(prefix.length())};
  (prefix.is_v4() ? v4_ : v6_).push_back(row);
  return absl::OkStatus();
}

absl::StatusOr<PrefixTable> PrefixTable::Builder::Build() && {
  auto by_key = [](const Row& a, const Row& b) {
    return a.key != b.key ? a.key < b.key : a.len < b.len;
  };
  std::sort(v4_.begin(), v4_.end(), by_key);
  std::sort(v6_.begin(), v6_.end(), by_key);
  for (const std::vector<Row>* rows : {&v4_, &v6_}) {
    for (size_t i = 1; i < rows->size(); ++i) {
      const Row& a = (*rows)[i - 1];
      const Row& b = (*rows)[i];
      if (a.key == b.key && a.len == b.len) {
        const Address addr =
            rows == &v4_ ? Address::FromV4(static_cast<uint32_t>(b.key >> 96))
                         : Address::FromWords(static_cast<uint64_t>(b.key >> 64),
                                              static_cast<uint64_t>(b.key));
        return absl::InvalidArgumentError(absl::StrCat(
            "duplicate prefix ", Prefix::Make(addr, b.len).ToString()));
      }
    }
  }

  PrefixTable table;
  Stats& st = table.stats_;
  st = Stats{};
  st.v4_prefixes = v4_.size();
  st.v6_prefixes = v6_.size();

  Compiler v6(128);
  absl::Status s = v6.Compile(v6_, kNoValue, &table.v6_, &st,
                              &st.v6_nodes_bytes, &st.v6_max_reads);
  if (!s.ok()) return s;
  // IPv4 addresses are ::ffff:0:0/96; what covers that block in the IPv6
  // tree is what IPv4 addresses matching no IPv4 row get. No v4-mapped
  // address is ever looked up there, so the block itself is uniform and
  // the lookup of its first address gives the covering row.
  const uint32_t v4_base = table.LookupV6(0, kV4MappedTag << 32).value;
  Compiler v4(32);
  s = v4.Compile(v4_, v4_base, &table.v4_, &st, &st.v4_nodes_bytes,
                 &st.v4_max_reads);
  if (!s.ok()) return s;
  st.bytes = 2 * (sizeof(uint32_t) << kRootBits) + st.v4_nodes_bytes +
             st.v6_nodes_bytes;
  return table;
}

PrefixTable::PrefixTable() {
  for (Tree* t : {&v4_, &v6_}) {
    t->root = Allocate(size_t{1} << kRootBits);
    std::fill_n(t->root.get(), size_t{1} << kRootBits,
                kLeafBit | (kNoValue << 8));
    t->nodes = Allocate(16);
  }
  stats_.bytes = 2 * (sizeof(uint32_t) << kRootBits);
}

}  // namespace geo
