#include "dns/dnssec/canonical.h"

#include <algorithm>
#include <cstring>

#include "dns/wire/name.h"

namespace dns::dnssec {
namespace {

// The layout of a type's RDATA up to its last name, one character a
// field: 'n' a domain name (lower-cased), '1'/'2' fixed octets, 'R' the 18
// fixed octets of SIG/RRSIG, 's' a <character-string>. The rest of the
// RDATA is copied as it is. nullptr: no names to lower-case.
// RFC 4034 §6.2 as amended by RFC 6840 §5.1 (NSEC names keep their case);
// HINFO is listed there but holds no names.
const char* CanonicalLayout(uint16_t type) {
  switch (type) {
    case 2:   // NS
    case 3:   // MD
    case 4:   // MF
    case 5:   // CNAME
    case 7:   // MB
    case 8:   // MG
    case 9:   // MR
    case 12:  // PTR
    case 30:  // NXT (name, then the bitmap)
    case 39:  // DNAME
      return "n";
    case 6:   // SOA
    case 14:  // MINFO
    case 17:  // RP
      return "nn";
    case 15:  // MX
    case 18:  // AFSDB
    case 21:  // RT
    case 36:  // KX
      return "2n";
    case 26:  // PX
      return "2nn";
    case 33:  // SRV
      return "222n";
    case 35:  // NAPTR
      return "22sssn";
    case 24:  // SIG
    case 46:  // RRSIG
      return "Rn";
    default:
      return nullptr;
  }
}

// Appends the name at rdata[*pos] lower-cased; advances *pos.
bool CopyName(std::string_view rdata, size_t* pos, std::string* out) {
  size_t p = *pos;
  size_t total = 0;
  while (true) {
    if (p >= rdata.size()) return false;
    const uint8_t len = static_cast<uint8_t>(rdata[p]);
    if (len > kMaxLabelLength) return false;  // compression or bad label
    if (p + 1 + len > rdata.size()) return false;
    total += 1 + len;
    if (total > kMaxNameLength) return false;
    out->push_back(static_cast<char>(len));
    for (size_t i = 0; i < len; ++i) {
      out->push_back(static_cast<char>(LowerOctet(static_cast<uint8_t>(rdata[p + 1 + i]))));
    }
    p += 1 + len;
    if (len == 0) break;
  }
  *pos = p;
  return true;
}

}  // namespace

uint8_t RrsigLabels(std::string_view owner) {
  Name n;
  if (!n.AssignWire(reinterpret_cast<const uint8_t*>(owner.data()), owner.size())) return 0;
  int labels = n.label_count();
  if (NameIsWildcard(n.wire())) --labels;
  return static_cast<uint8_t>(labels);
}

bool TypeHasCanonicalNames(uint16_t type) { return CanonicalLayout(type) != nullptr; }

bool AppendCanonicalRdata(uint16_t type, std::string_view rdata, std::string* out) {
  const size_t start = out->size();
  const char* layout = CanonicalLayout(type);
  size_t pos = 0;
  if (type == 38 && !rdata.empty()) {  // A6: prefix length, address suffix, name
    const uint8_t prefix = static_cast<uint8_t>(rdata[0]);
    if (prefix > 128) return false;
    const size_t suffix = (128 - prefix + 7) / 8;
    if (1 + suffix > rdata.size()) return false;
    out->append(rdata.substr(0, 1 + suffix));
    pos = 1 + suffix;
    if (prefix > 0 && !CopyName(rdata, &pos, out)) {
      out->resize(start);
      return false;
    }
  }
  for (const char* f = layout; f != nullptr && *f != '\0'; ++f) {
    size_t fixed = 0;
    switch (*f) {
      case 'n':
        if (!CopyName(rdata, &pos, out)) {
          out->resize(start);
          return false;
        }
        continue;
      case '1': fixed = 1; break;
      case '2': fixed = 2; break;
      case 'R': fixed = 18; break;
      case 's':
        if (pos >= rdata.size()) {
          out->resize(start);
          return false;
        }
        fixed = 1 + static_cast<uint8_t>(rdata[pos]);
        break;
    }
    if (pos + fixed > rdata.size()) {
      out->resize(start);
      return false;
    }
    out->append(rdata.substr(pos, fixed));
    pos += fixed;
  }
  out->append(rdata.substr(pos));
  return true;
}

bool AppendRrsigHeader(const RrsigFields& f, std::string* out) {
  Name signer;
  if (!signer.AssignWire(reinterpret_cast<const uint8_t*>(f.signer.data()), f.signer.size())) {
    return false;
  }
  uint8_t fixed[18];
  fixed[0] = static_cast<uint8_t>(f.type_covered >> 8);
  fixed[1] = static_cast<uint8_t>(f.type_covered);
  fixed[2] = f.algorithm;
  fixed[3] = f.labels;
  const uint32_t v[3] = {f.original_ttl, f.expiration, f.inception};
  for (int i = 0; i < 3; ++i) {
    fixed[4 + 4 * i] = static_cast<uint8_t>(v[i] >> 24);
    fixed[5 + 4 * i] = static_cast<uint8_t>(v[i] >> 16);
    fixed[6 + 4 * i] = static_cast<uint8_t>(v[i] >> 8);
    fixed[7 + 4 * i] = static_cast<uint8_t>(v[i]);
  }
  fixed[16] = static_cast<uint8_t>(f.key_tag >> 8);
  fixed[17] = static_cast<uint8_t>(f.key_tag);
  out->append(reinterpret_cast<const char*>(fixed), sizeof fixed);
  out->append(signer.wire());
  return true;
}

bool ParseRrsigRdata(std::string_view rdata, RrsigFields* f, std::string_view* signature) {
  if (rdata.size() < 19) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(rdata.data());
  auto u32 = [p](size_t i) {
    return (uint32_t{p[i]} << 24) | (uint32_t{p[i + 1]} << 16) | (uint32_t{p[i + 2]} << 8) |
           uint32_t{p[i + 3]};
  };
  f->type_covered = static_cast<uint16_t>((p[0] << 8) | p[1]);
  f->algorithm = p[2];
  f->labels = p[3];
  f->original_ttl = u32(4);
  f->expiration = u32(8);
  f->inception = u32(12);
  f->key_tag = static_cast<uint16_t>((p[16] << 8) | p[17]);
  Name signer;
  const size_t n = signer.ParseUncompressed(p + 18, rdata.size() - 18);
  if (n == 0) return false;
  f->signer = rdata.substr(18, n);
  *signature = rdata.substr(18 + n);
  return true;
}

bool RrsigTimeValid(const RrsigFields& f, uint64_t now) {
  const uint32_t t = static_cast<uint32_t>(now);
  // Serial arithmetic: a is "not after" b when (b - a) mod 2^32 < 2^31.
  auto not_after = [](uint32_t a, uint32_t b) { return static_cast<uint32_t>(b - a) < 0x80000000u; };
  return not_after(f.inception, t) && not_after(t, f.expiration);
}

absl::Status SignedData::Build(const RrsigFields& fields, const RrsetView& rrset) {
  data_.clear();
  rdata_.clear();
  order_.clear();
  if (rrset.rdatas.empty()) return absl::InvalidArgumentError("empty RRset");
  if (rrset.type != fields.type_covered) {
    return absl::InvalidArgumentError("RRset type differs from the RRSIG's type covered");
  }
  Name owner;
  if (!owner.AssignWire(reinterpret_cast<const uint8_t*>(rrset.owner.data()),
                        rrset.owner.size())) {
    return absl::InvalidArgumentError("malformed owner name");
  }
  if (fields.labels > owner.label_count()) {
    return absl::InvalidArgumentError("RRSIG labels exceed the owner's labels");
  }
  if (!AppendRrsigHeader(fields, &data_)) {
    return absl::InvalidArgumentError("malformed signer name");
  }
  for (std::string_view rd : rrset.rdatas) {
    const size_t off = rdata_.size();
    if (!AppendCanonicalRdata(rrset.type, rd, &rdata_)) {
      return absl::InvalidArgumentError("malformed name in RDATA");
    }
    if (rdata_.size() - off > 0xffff) return absl::InvalidArgumentError("RDATA too long");
    order_.emplace_back(static_cast<uint32_t>(off), static_cast<uint32_t>(rdata_.size() - off));
  }
  const char* base = rdata_.data();
  auto less = [base](const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
    const int c = std::memcmp(base + a.first, base + b.first, std::min(a.second, b.second));
    return c != 0 ? c < 0 : a.second < b.second;
  };
  auto equal = [base](const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
    return a.second == b.second && std::memcmp(base + a.first, base + b.first, a.second) == 0;
  };
  std::sort(order_.begin(), order_.end(), less);
  order_.erase(std::unique(order_.begin(), order_.end(), equal), order_.end());

  // The owner as signed: "*." plus the last `labels` labels for an RR
  // that a wildcard produced (RFC 4035 §5.3.2).
  std::string_view signed_owner = owner.wire();
  const bool wildcard_expanded = fields.labels < owner.label_count();
  const std::string_view suffix = owner.Suffix(owner.label_count() - fields.labels);
  const uint8_t fixed_tail[8] = {
      static_cast<uint8_t>(rrset.type >> 8), static_cast<uint8_t>(rrset.type),
      static_cast<uint8_t>(rrset.rclass >> 8), static_cast<uint8_t>(rrset.rclass),
      static_cast<uint8_t>(fields.original_ttl >> 24), static_cast<uint8_t>(fields.original_ttl >> 16),
      static_cast<uint8_t>(fields.original_ttl >> 8), static_cast<uint8_t>(fields.original_ttl)};
  for (const auto& [off, len] : order_) {
    if (wildcard_expanded) {
      data_.append("\001*", 2);
      data_.append(suffix);
    } else {
      data_.append(signed_owner);
    }
    data_.append(reinterpret_cast<const char*>(fixed_tail), sizeof fixed_tail);
    data_.push_back(static_cast<char>(len >> 8));
    data_.push_back(static_cast<char>(len));
    data_.append(rdata_, off, len);
  }
  return absl::OkStatus();
}

}  // namespace dns::dnssec
