// File: geo/build/mmdb_source.cc
#include "geo/build/mmdb_source.h"

#include <maxminddb.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view.h"
#include "geo/build/build_internal.h"

namespace geo {

using base::AV;
using build_internal::FromU128;
using build_internal::IsCountryCode;
using build_internal::LowOnes;
using build_internal::Trim;
using build_internal::U128;

// ---------------------------------------------------------------- MMDB

namespace {

class MmdbFile {
 public:
  ~MmdbFile() {
    if (open_) MMDB_close(&db_);
  }
  absl::Status Open(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return base::ErrnoStatus(errno, path);
    }
    const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db_);
    if (rc != MMDB_SUCCESS) {
      std::string msg = absl::StrCat(path, ": ", MMDB_strerror(rc));
      if (rc == MMDB_IO_ERROR) {
        absl::StrAppend(&msg, " (", std::strerror(errno), ")");
      }
      return absl::InvalidArgumentError(msg);
    }
    open_ = true;
    return absl::OkStatus();
  }
  MMDB_s* get() { return &db_; }

 private:
  MMDB_s db_{};
  bool open_ = false;
};

// A number from an MMDB value (double, float, integers, or a decimal
// string).
std::optional<double> NumberOf(const MMDB_entry_data_s& d) {
  if (!d.has_data) return std::nullopt;
  switch (d.type) {
    case MMDB_DATA_TYPE_DOUBLE:
      return d.double_value;
    case MMDB_DATA_TYPE_FLOAT:
      return d.float_value;
    case MMDB_DATA_TYPE_INT32:
      return d.int32;
    case MMDB_DATA_TYPE_UINT16:
      return d.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return d.uint32;
    case MMDB_DATA_TYPE_UINT64:
      return static_cast<double>(d.uint64);
    case MMDB_DATA_TYPE_UTF8_STRING: {
      double v = 0;
      if (absl::SimpleAtod(absl::string_view(d.utf8_string, d.data_size), &v)) {
        return v;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

template <typename... Path>
std::optional<double> GetNumber(MMDB_entry_s entry, Path... path) {
  MMDB_entry_data_s d;
  if (MMDB_get_value(&entry, &d, path..., nullptr) != MMDB_SUCCESS) {
    return std::nullopt;
  }
  return NumberOf(d);
}

template <typename... Path>
std::string GetString(MMDB_entry_s entry, Path... path) {
  MMDB_entry_data_s d;
  if (MMDB_get_value(&entry, &d, path..., nullptr) != MMDB_SUCCESS ||
      !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return {};
  }
  return std::string(d.utf8_string, d.data_size);
}

// The place of one data record; has neither country nor coordinates when
// the record has no usable location.
Place DecodePlace(MMDB_entry_s e) {
  Place p;
  std::optional<double> lat = GetNumber(e, "location", "latitude");
  std::optional<double> lon = GetNumber(e, "location", "longitude");
  if (!lat || !lon) {
    lat = GetNumber(e, "latitude");
    lon = GetNumber(e, "longitude");
  }
  if (lat && lon && std::isfinite(*lat) && std::isfinite(*lon) &&
      std::fabs(*lat) <= 90 && std::fabs(*lon) <= 180) {
    p.has_coordinates = true;
    p.latitude = *lat;
    p.longitude = *lon;
  }
  std::string cc = GetString(e, "country", "iso_code");
  if (cc.empty()) cc = GetString(e, "registered_country", "iso_code");
  if (cc.empty()) cc = GetString(e, "country_code");
  if (IsCountryCode(cc)) p.country = std::move(cc);
  return p;
}

}  // namespace

absl::Status ReadMmdb(const std::string& path, GeoNetworks& out,
                      MmdbInfo* info) {
  MmdbFile file;
  if (absl::Status s = file.Open(path); !s.ok()) return s;
  MMDB_s* db = file.get();
  const MMDB_metadata_s& md = db->metadata;
  const int width = md.ip_version == 4 ? 32 : 128;
  MmdbInfo local;
  MmdbInfo& inf = info != nullptr ? *info : local;
  inf = MmdbInfo{};
  inf.database_type = md.database_type != nullptr ? md.database_type : "";
  inf.ip_version = md.ip_version;
  inf.node_count = md.node_count;
  inf.build_epoch = md.build_epoch;

  auto node_error = [&](uint32_t node, std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": search tree node ", node, ": ", AV(what)));
  };

  // The IPv4 start node of an IPv6 tree: 96 zero bits down from the root.
  uint32_t ipv4_start = 0;
  bool have_ipv4_start = false;
  if (width == 128 && md.node_count > 0) {
    uint32_t node = 0;
    int depth = 0;
    for (; depth < 96; ++depth) {
      MMDB_search_node_s n;
      if (MMDB_read_node(db, node, &n) != MMDB_SUCCESS ||
          n.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) {
        break;
      }
      node = static_cast<uint32_t>(n.left_record);
    }
    if (depth == 96) {
      ipv4_start = node;
      have_ipv4_start = true;
    }
  }

  constexpr uint32_t kUnlocated = 0xFFFFFFFFu;
  absl::flat_hash_map<uint32_t, uint32_t> place_of_offset;  // data offset -> place
  struct Item {
    uint32_t node;
    int depth;  // bits consumed to reach `node`
    U128 path;  // those bits, left-aligned in `width`
  };
  std::vector<Item> stack;
  if (md.node_count > 0) stack.push_back({0, 0, 0});
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    MMDB_search_node_s n;
    const int rc = MMDB_read_node(db, it.node, &n);
    if (rc != MMDB_SUCCESS) return node_error(it.node, MMDB_strerror(rc));
    if (it.depth >= width) {
      return node_error(it.node, absl::StrCat("tree deeper than ", width, " bits"));
    }
    // Right first, so the left (lower addresses) is popped first.
    for (int side = 1; side >= 0; --side) {
      const uint8_t type = side ? n.right_record_type : n.left_record_type;
      const uint64_t record = side ? n.right_record : n.left_record;
      const int depth = it.depth + 1;
      const U128 path =
          it.path | (side ? (U128{1} << (width - depth)) : U128{0});
      switch (type) {
        case MMDB_RECORD_TYPE_EMPTY:
          break;
        case MMDB_RECORD_TYPE_SEARCH_NODE: {
          const auto child = static_cast<uint32_t>(record);
          if (have_ipv4_start && child == ipv4_start &&
              !(depth == 96 && path == 0)) {
            ++inf.aliases_skipped;  // ::ffff:0:0/96, 2002::/16, ...
            break;
          }
          stack.push_back({child, depth, path});
          break;
        }
        case MMDB_RECORD_TYPE_DATA: {
          const MMDB_entry_s entry = side ? n.right_record_entry
                                          : n.left_record_entry;
          auto [pit, fresh] = place_of_offset.try_emplace(entry.offset, kUnlocated);
          if (fresh) {
            ++inf.data_records;
            const Place p = DecodePlace(entry);
            if (p.has_coordinates || !p.country.empty()) {
              pit->second = out.InternPlace(p);
            }
          }
          ++out.records;
          if (pit->second == kUnlocated) {
            ++out.unlocated_records;
            break;
          }
          Prefix net;
          if (width == 32) {
            net = Prefix::Make(FromU128(path, 32), depth);
          } else if (depth >= 96 && (path >> 32) == 0) {
            // ::a.b.c.d/96+n: the IPv4 subtree.
            net = Prefix::Make(FromU128(path & LowOnes(32), 32), depth - 96);
          } else {
            // Prefix::Make takes IPv4 (v4-mapped) lengths in IPv4 terms.
            const Address a = FromU128(path, 128);
            net = Prefix::Make(a, a.is_v4() ? depth - 96 : depth);
          }
          out.Add(net, pit->second);
          break;
        }
        default:
          return node_error(it.node, "invalid record (points outside the file)");
      }
    }
  }
  return absl::OkStatus();
}

// ------------------------------------------------------ detection

std::string_view GeoSourceKindName(GeoSourceKind k) {
  // By GeoSourceKind.
  static constexpr std::string_view kNames[] = {"tor-geoipdb", "mmdb", "locations-csv"};
  const auto i = static_cast<size_t>(k);
  return i < std::size(kNames) ? kNames[i] : "?";
}

absl::StatusOr<GeoSourceKind> DetectGeoSource(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return base::ErrnoStatus(errno, path);
  }
  // The metadata section starts with this marker within the last 128 KiB.
  static constexpr char kMarker[] = "\xAB\xCD\xEFMaxMind.com";
  std::string tail(128 * 1024, '\0');
  long size = 0;
  if (std::fseek(f, 0, SEEK_END) == 0) size = std::ftell(f);
  const long from = size > static_cast<long>(tail.size())
                        ? size - static_cast<long>(tail.size())
                        : 0;
  std::fseek(f, from, SEEK_SET);
  tail.resize(std::fread(tail.data(), 1, tail.size(), f));
  std::string head(4096, '\0');
  std::fseek(f, 0, SEEK_SET);
  head.resize(std::fread(head.data(), 1, head.size(), f));
  std::fclose(f);
  if (tail.find(std::string_view(kMarker, sizeof kMarker - 1)) !=
      std::string::npos) {
    return GeoSourceKind::kMmdb;
  }
  size_t pos = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (pos < head.size()) {
    size_t end = head.find('\n', pos);
    if (end == std::string::npos) end = head.size();
    std::string_view l = Trim(std::string_view(head).substr(pos, end - pos));
    pos = end + 1;
    if (l.empty() || l[0] == '#') continue;
    if (l.substr(0, 8) == "network," || l.substr(0, 9) == "\"network\"") {
      return GeoSourceKind::kLocationsCsv;
    }
    break;
  }
  return GeoSourceKind::kTorGeoip;
}

absl::Status ReadGeoSource(const std::string& path, GeoNetworks& out) {
  absl::StatusOr<GeoSourceKind> k = DetectGeoSource(path);
  if (!k.ok()) return k.status();
  switch (*k) {
    case GeoSourceKind::kMmdb:
      return ReadMmdb(path, out);
    case GeoSourceKind::kLocationsCsv:
      return ReadLocationsCsv(path, out);
    case GeoSourceKind::kTorGeoip:
      return ReadTorGeoip(path, out);
  }
  return absl::InternalError("unreachable");
}

}  // namespace geo
