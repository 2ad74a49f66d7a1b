// File: zones/serial.cc
#include "zones/serial.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "dns/wire/types.h"

namespace zones {
namespace {

// Any fixed value: the digest is persisted, so it must not vary.
constexpr uint64_t kDigestSeed = 0x5e7ed15e7ed15eedull;

// The offset of the SERIAL field in SOA RDATA (after MNAME and RNAME,
// uncompressed as the builder stores them), or npos if it does not fit.
size_t SerialOffset(std::string_view rdata) {
  size_t pos = 0;
  for (int name = 0; name < 2; ++name) {
    while (pos < rdata.size() && rdata[pos] != 0) {
      pos += 1 + static_cast<uint8_t>(rdata[pos]);
    }
    ++pos;  // the root label
  }
  return pos + 4 <= rdata.size() ? pos : std::string_view::npos;
}

// The index of the SOA RRset among `node`'s RRsets, or -1.
int SoaIndex(const Node& node) {
  for (size_t i = 0; i < node.rrsets.size(); ++i) {
    if (node.rrsets[i].type == dns::rrtype::kSOA) return static_cast<int>(i);
  }
  return -1;
}

// Writes `serial` into the SOA RRset's (first) RR.
void StampSerial(RRset& soa, uint32_t serial) {
  const size_t rdata_begin = soa.rr_offsets[0] + 10;
  const size_t off = SerialOffset(soa.rdata(0));
  if (off == std::string_view::npos) return;  // Build() validated it
  char* p = soa.wire.data() + rdata_begin + off;
  p[0] = static_cast<char>(serial >> 24);
  p[1] = static_cast<char>(serial >> 16);
  p[2] = static_cast<char>(serial >> 8);
  p[3] = static_cast<char>(serial);
}

void AppendU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
               static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 4);
}

// A length-prefixed field, so that fields cannot run into each other.
void AppendField(std::string* out, std::string_view s) {
  AppendU32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}

}  // namespace

bool SerialNewer(uint32_t a, uint32_t b) {
  // RFC 1982 §3.2: (i1 < i2 and i2 - i1 < 2^31) or (i1 > i2 and i1 - i2 >
  // 2^31) means i1 < i2; here a plays i2.
  return a != b && static_cast<uint32_t>(a - b) < (uint32_t{1} << 31);
}

uint32_t SerialAdd(uint32_t s, uint32_t n) { return s + n; }  // modulo 2^32

const char* SerialPolicyName(SerialPolicy policy) {
  switch (policy) {
    case SerialPolicy::kIncrement: return "increment";
    case SerialPolicy::kUnixTime: return "unixtime";
    case SerialPolicy::kDateSerial: return "dateserial";
    case SerialPolicy::kKeep: return "keep";
  }
  return "?";
}

std::optional<SerialPolicy> ParseSerialPolicy(std::string_view text) {
  for (SerialPolicy p : {SerialPolicy::kIncrement, SerialPolicy::kUnixTime,
                         SerialPolicy::kDateSerial, SerialPolicy::kKeep}) {
    if (text == SerialPolicyName(p)) return p;
  }
  return std::nullopt;
}

uint32_t NextSerial(SerialPolicy policy, std::optional<uint32_t> served, uint32_t data,
                    absl::Time now) {
  if (policy == SerialPolicy::kKeep) return data;
  uint32_t next = data;
  switch (policy) {
    case SerialPolicy::kIncrement:
      // Like BIND, an increment skips 0 (some software treats it as unset).
      if (served.has_value()) next = SerialAdd(*served, 1) == 0 ? 1 : SerialAdd(*served, 1);
      break;
    case SerialPolicy::kUnixTime:
      next = static_cast<uint32_t>(absl::ToUnixSeconds(now));
      break;
    case SerialPolicy::kDateSerial: {
      const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
      next = static_cast<uint32_t>(day.year() * 1000000 + day.month() * 10000 + day.day() * 100);
      break;
    }
    case SerialPolicy::kKeep:
      break;
  }
  // A serial the content sets itself wins when it is newer.
  if (SerialNewer(data, next)) next = data;
  // Never backwards, never the same: the served one + 1 at least.
  if (served.has_value() && !SerialNewer(next, *served)) {
    next = SerialAdd(*served, 1) == 0 ? 1 : SerialAdd(*served, 1);
  }
  return next;
}

uint64_t ContentDigest(const Zone& zone) {
  // Per node, one hash of everything it holds; the nodes' hashes are
  // summed, so the digest does not depend on the order of the nodes.
  uint64_t digest = 0;
  std::string buf;
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const Node& node = zone.node(i);
    if (node.empty_non_terminal()) continue;
    buf.clear();
    AppendField(&buf, node.owner);
    for (const RRset& rs : node.rrsets) {
      if (i == 0 && rs.type == dns::rrtype::kSOA) {
        std::string wire = rs.wire;  // the serial left out
        const size_t off = SerialOffset(rs.rdata(0));
        if (off != std::string_view::npos) {
          std::memset(wire.data() + rs.rr_offsets[0] + 10 + off, 0, 4);
        }
        AppendField(&buf, wire);
      } else {
        AppendField(&buf, rs.wire);
      }
    }
    for (const RoutedGroup& g : node.routed) {
      AppendU32(&buf, (uint32_t{g.type} << 8) | static_cast<uint32_t>(g.policy));
      for (const RoutedMember& m : g.members) {
        AppendField(&buf, m.set_identifier);
        AppendField(&buf, m.region);
        AppendU32(&buf, m.weight);
        AppendU32(&buf, (static_cast<uint32_t>(m.failover) << 1) |
                            (m.evaluate_target_health ? 1u : 0u));
        AppendField(&buf, m.health_check_id);
        AppendField(&buf, m.rrset.wire);
        AppendField(&buf, m.alias_target);
      }
    }
    digest += NameIndex::Hash(buf, kDigestSeed);
  }
  return digest;
}

std::shared_ptr<const Zone> WithSerial(std::shared_ptr<const Zone> zone, uint32_t serial) {
  if (zone == nullptr || zone->serial() == serial) return zone;
  const int soa = SoaIndex(zone->apex());
  if (soa < 0) return zone;  // Build() never makes such a zone
  std::shared_ptr<Zone> mutable_zone;
  if (zone.use_count() == 1) {
    // Ours alone, and created non-const by ZoneBuilder::Build(): no other
    // thread can be reading it.
    mutable_zone = std::const_pointer_cast<Zone>(std::move(zone));
  } else {
    mutable_zone = std::shared_ptr<Zone>(new Zone(*zone));
  }
  StampSerial(mutable_zone->nodes_[0].rrsets[static_cast<size_t>(soa)], serial);
  mutable_zone->serial_ = serial;
  return mutable_zone;
}

}  // namespace zones
