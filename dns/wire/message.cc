// File: dns/wire/message.cc
#include "dns/wire/message.h"

#include <cstring>

#include "dns/wire/reader.h"

namespace dns {

namespace {

// Fixed part of an RR after the owner: TYPE, CLASS, TTL, RDLENGTH.
constexpr size_t kRRFixedSize = 10;
// OPT RR without options: root owner + fixed part.
constexpr size_t kOptBaseSize = 1 + kRRFixedSize;
// ECS option header: OPTION-CODE, OPTION-LENGTH, FAMILY, SOURCE, SCOPE.
constexpr size_t kEcsFixedSize = 4 + 4;

inline uint16_t Get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

// Octets of ECS ADDRESS for a source prefix (RFC 7871 §6), capped at 16.
inline size_t EcsAddressLength(uint8_t source_prefix) {
  const size_t n = (size_t{source_prefix} + 7) / 8;
  return n > 16 ? 16 : n;
}

// Validates an ECS option body (after code and length) into *ecs.
bool ParseEcs(const uint8_t* p, size_t len, ClientSubnet* ecs) {
  if (len < 4) return false;
  const uint16_t family = Get16(p);
  const uint8_t source = p[2];
  const uint8_t scope = p[3];
  size_t max_prefix;
  if (family == 1) {
    max_prefix = 32;
  } else if (family == 2) {
    max_prefix = 128;
  } else {
    return false;
  }
  if (source > max_prefix || scope != 0) return false;
  const size_t alen = (size_t{source} + 7) / 8;
  if (len - 4 != alen) return false;
  const uint8_t* addr = p + 4;
  if (source % 8 != 0 &&
      (addr[alen - 1] & static_cast<uint8_t>(0xff >> (source % 8))) != 0) {
    return false;  // bits set past the source prefix
  }
  ecs->family = family;
  ecs->source_prefix = source;
  ecs->scope_prefix = scope;
  std::memset(ecs->address, 0, sizeof ecs->address);
  if (alen != 0) std::memcpy(ecs->address, addr, alen);
  return true;
}

// True if the name at `pos` expands to the root name.
bool OwnerIsRoot(const uint8_t* packet, size_t len, size_t pos) {
  if (packet[pos] == 0) return true;
  Reader r(packet, len);
  r.Seek(pos);
  Name owner;
  r.ReadName(&owner);
  return r.ok() && owner.length() == 1;
}

// Reads the OPT RR's CLASS, TTL and RDATA (owner and TYPE already read).
bool ParseOpt(Reader& r, Edns* edns) {
  const uint16_t rclass = r.ReadU16();
  const uint32_t ttl = r.ReadU32();
  const uint16_t rdlen = r.ReadU16();
  const uint8_t* rdata = r.Take(rdlen);
  if (!r.ok()) return false;
  edns->present = true;
  edns->udp_size = rclass < kClassicUdpSize
                       ? static_cast<uint16_t>(kClassicUdpSize)
                       : rclass;
  edns->version = static_cast<uint8_t>(ttl >> 16);
  edns->dnssec_ok = (ttl & 0x8000) != 0;
  edns->compact_ok = (ttl & 0x4000) != 0;
  size_t off = 0;
  while (off < rdlen) {
    if (rdlen - off < 4) return false;
    const uint16_t code = Get16(rdata + off);
    const uint16_t olen = Get16(rdata + off + 2);
    off += 4;
    if (rdlen - off < olen) return false;
    if (code == ednsopt::kClientSubnet) {
      if (edns->has_ecs) return false;  // at most one ECS option
      if (!ParseEcs(rdata + off, olen, &edns->ecs)) return false;
      edns->has_ecs = true;
    }
    off += olen;
  }
  return true;
}

}  // namespace

ParseStatus ParseQuery(const uint8_t* packet, size_t len, Query* q) noexcept {
  q->id = 0;
  q->flags = 0;
  q->opcode = 0;
  q->has_question = false;
  q->qname.Clear();
  q->qname_as_sent = {};
  q->qtype = 0;
  q->qclass = 0;
  q->edns = Edns{};
  q->tsig_offset = 0;
  if (len < kHeaderSize) return ParseStatus::kDrop;

  q->id = Get16(packet);
  q->flags = Get16(packet + 2);
  q->opcode = static_cast<uint8_t>((q->flags & flag::kOpcodeMask) >>
                                   flag::kOpcodeShift);
  if (q->flags & flag::kQR) return ParseStatus::kDrop;
  // An opcode other than QUERY and NOTIFY is answered NOTIMP whatever
  // follows; the rest is still parsed, best effort, to echo the question
  // and EDNS.
  const bool implemented = q->opcode == opcode::kQuery || q->opcode == opcode::kNotify;
  const ParseStatus malformed = implemented ? ParseStatus::kFormErr : ParseStatus::kNotImp;

  const uint16_t qdcount = Get16(packet + 4);
  const uint32_t skip_rrs = uint32_t{Get16(packet + 6)} + Get16(packet + 8);
  const uint16_t arcount = Get16(packet + 10);
  if (qdcount != 1) return malformed;

  // Question: the name must be uncompressed (a pointer could only target
  // the header), so it is taken straight from the packet, lower-cased and
  // indexed in one pass.
  const size_t qname_len =
      q->qname.ParseUncompressed(packet + kHeaderSize, len - kHeaderSize);
  if (qname_len == 0) return malformed;
  const size_t p = kHeaderSize + qname_len - 1;  // the root label
  if (len - (p + 1) < 4) {
    q->qname.Clear();
    return malformed;
  }
  q->qname_as_sent = {reinterpret_cast<const char*>(packet + kHeaderSize),
                      qname_len};
  q->qtype = Get16(packet + p + 1);
  q->qclass = Get16(packet + p + 3);
  q->has_question = true;

  Reader r(packet, len);
  r.Seek(p + 5);

  for (uint32_t i = 0; i < skip_rrs; ++i) {
    r.SkipName();
    const uint16_t type = r.ReadU16();
    r.Skip(kRRFixedSize - 4);
    r.Skip(r.ReadU16());
    if (!r.ok() || type == rrtype::kOPT || type == rrtype::kTSIG) return malformed;
  }

  bool seen_opt = false;
  for (uint32_t i = 0; i < arcount; ++i) {
    const size_t owner = r.position();
    r.SkipName();
    const uint16_t type = r.ReadU16();
    if (!r.ok()) return malformed;
    if (type == rrtype::kOPT) {
      if (seen_opt || !OwnerIsRoot(packet, len, owner)) return malformed;
      seen_opt = true;
      if (!ParseOpt(r, &q->edns)) {
        q->edns.has_ecs = false;  // never echo ECS from a malformed OPT
        return malformed;
      }
    } else {
      r.Skip(kRRFixedSize - 4);
      r.Skip(r.ReadU16());
      if (!r.ok()) return malformed;
      if (type == rrtype::kTSIG) [[unlikely]] {
        // RFC 8945 §5.1: the last record of the additional section, once.
        if (i + 1 != arcount) return malformed;
        q->tsig_offset = static_cast<uint16_t>(owner);
      }
    }
  }
  if (r.position() != len) {  // trailing octets
    q->tsig_offset = 0;
    return malformed;
  }
  if (!implemented) return ParseStatus::kNotImp;
  if (q->edns.present && q->edns.version > 0) return ParseStatus::kBadVers;
  return ParseStatus::kOk;
}

size_t OptSize(const ClientSubnet* ecs) noexcept {
  return kOptBaseSize +
         (ecs ? kEcsFixedSize + EcsAddressLength(ecs->source_prefix) : 0);
}

bool AppendOpt(Writer& w, uint16_t our_udp_size, Rcode rcode,
               const ClientSubnet* ecs, bool dnssec_ok, bool compact_ok) noexcept {
  const size_t size = OptSize(ecs);
  if (w.limit() < w.size() || w.limit() - w.size() < size) return false;
  // Extended RCODE in the top octet, version 0, DO echoed (RFC 3225 §3).
  const uint32_t ttl = ((uint32_t{static_cast<uint16_t>(rcode)} >> 4) << 24) |
                       (dnssec_ok ? 0x8000u : 0u) | (compact_ok ? 0x4000u : 0u);
  const uint16_t rdlen = static_cast<uint16_t>(size - kOptBaseSize);
  // Fits (checked above), so the appends below cannot fail.
  w.AppendU8(0);
  w.AppendRRFixed(rrtype::kOPT, our_udp_size, ttl, rdlen);
  if (ecs) {
    const size_t alen = EcsAddressLength(ecs->source_prefix);
    uint8_t opt[kEcsFixedSize + 16];
    opt[0] = 0;
    opt[1] = ednsopt::kClientSubnet;
    opt[2] = 0;
    opt[3] = static_cast<uint8_t>(4 + alen);
    opt[4] = static_cast<uint8_t>(ecs->family >> 8);
    opt[5] = static_cast<uint8_t>(ecs->family);
    opt[6] = ecs->source_prefix;
    opt[7] = ecs->scope_prefix;
    std::memcpy(opt + kEcsFixedSize, ecs->address, alen);
    if (ecs->source_prefix % 8 != 0 && alen == (ecs->source_prefix + 7u) / 8) {
      // Keep the bits past the source prefix zero (RFC 7871 §6).
      opt[kEcsFixedSize + alen - 1] &=
          static_cast<uint8_t>(0xff00 >> (ecs->source_prefix % 8));
    }
    w.AppendBytes(opt, kEcsFixedSize + alen);
  }
  w.AddCount(Section::kAdditional, 1);
  return true;
}

}  // namespace dns
