// File: dns/xfr/xfr_stream.cc
//
// See xfr_stream.h. The message parser uses dns::Reader (bounds-checked,
// sticky error); RDATA names are decompressed per RFC 3597 §4.
#include "dns/xfr/xfr_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/reader.h"
#include "dns/wire/types.h"
#include "absl/types/span.h"
#include "zones/master_tokenizer.h"
#include "zones/rdata_text.h"
#include "zones/serial.h"
#include "zones/zone_export.h"

namespace dns::xfr {
namespace {

constexpr uint16_t kClassIn = 1;

std::string_view AsView(const Name& n) { return n.wire(); }

// How the RDATA of `type` is laid out around its compressible names:
// a sequence of steps.
enum Step : uint8_t { kName, kFixed2, kFixed6, kFixed20, kCharString, kRest };

// The steps of the types whose RDATA names may be compressed (RFC 3597 §4:
// RFC 1035's types, and RP, AFSDB, RT, PX, NAPTR, SRV); nullptr: opaque.
const std::vector<Step>* StepsFor(uint16_t type) {
  static const std::vector<Step> one_name = {kName};
  static const std::vector<Step> two_names = {kName, kName};
  static const std::vector<Step> soa = {kName, kName, kFixed20};
  static const std::vector<Step> pref_name = {kFixed2, kName};
  static const std::vector<Step> px = {kFixed2, kName, kName};
  static const std::vector<Step> srv = {kFixed6, kName};
  static const std::vector<Step> naptr = {kFixed2, kFixed2, kCharString, kCharString,
                                          kCharString, kName};
  switch (type) {
    case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 39:
      return &one_name;  // NS MD MF CNAME MB MG MR PTR DNAME
    case 14: case 17:
      return &two_names;  // MINFO RP
    case 6:
      return &soa;
    case 15: case 18: case 21: case 36:
      return &pref_name;  // MX AFSDB RT KX
    case 26:
      return &px;
    case 33:
      return &srv;
    case 35:
      return &naptr;
    default:
      return nullptr;
  }
}

// Reads RDATA of `rdlength` octets at the reader's position into *out,
// decompressing names for the types above. False: malformed.
bool ReadRdata(Reader& r, uint16_t type, uint16_t rdlength, std::string* out) {
  const size_t start = r.position();
  if (r.remaining() < rdlength) return false;
  const size_t end = start + rdlength;
  const std::vector<Step>* steps = StepsFor(type);
  if (steps == nullptr) {
    const uint8_t* p = r.Take(rdlength);
    if (p == nullptr) return false;
    out->assign(reinterpret_cast<const char*>(p), rdlength);
    return true;
  }
  out->clear();
  for (Step s : *steps) {
    if (r.position() > end) return false;
    switch (s) {
      case kName: {
        Name n;
        r.ReadName(&n);
        if (!r.ok() || r.position() > end) return false;
        out->append(AsView(n));
        break;
      }
      case kFixed2: case kFixed6: case kFixed20: {
        const size_t n = s == kFixed2 ? 2 : s == kFixed6 ? 6 : 20;
        if (end - r.position() < n) return false;
        const uint8_t* p = r.Take(n);
        if (p == nullptr) return false;
        out->append(reinterpret_cast<const char*>(p), n);
        break;
      }
      case kCharString: {
        if (end - r.position() < 1) return false;
        const uint8_t len = r.ReadU8();
        if (end - r.position() < len) return false;
        const uint8_t* p = r.Take(len);
        if (p == nullptr && len != 0) return false;
        out->push_back(static_cast<char>(len));
        if (len) out->append(reinterpret_cast<const char*>(p), len);
        break;
      }
      case kRest:
        break;
    }
  }
  return r.ok() && r.position() == end;
}

std::string TypeName(uint16_t type) { return zones::ExportTypeName(type); }

std::string RcodeName(uint16_t rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                       "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
                                       "NOTZONE"};
  return rcode < 11 ? kNames[rcode] : absl::StrCat("RCODE", rcode);
}

std::string RecordKey(const Record& rr) {
  std::string key = rr.owner;
  key.push_back(static_cast<char>(rr.type >> 8));
  key.push_back(static_cast<char>(rr.type & 0xff));
  key.append(rr.rdata);
  return key;
}

void AppendLine(std::string* out, std::string_view owner, uint32_t ttl, uint16_t type,
                std::string_view rdata) {
  absl::StrAppend(out, NameToText(owner), " ", ttl, " IN ", zones::ExportTypeName(type), " ",
                  zones::RdataToText(type, rdata), "\n");
}

}  // namespace

std::string TransferErrorReason(const absl::Status& status) {
  static const char* const kReasons[] = {
      "malformed", "rcode", "soa", "ixfr", "too_big", "timeout", "network",
      "tsig", "refused", "serial_backwards", "commit"};
  const std::string_view m(status.message().data(), status.message().size());
  const size_t colon = m.find(':');
  if (colon != std::string_view::npos) {
    std::string_view word = m.substr(0, colon);
    for (const char* r : kReasons) {
      if (word == r) return std::string(word);
    }
  }
  return "other";
}

absl::Status ParseTransferMessage(const uint8_t* msg, size_t len, uint16_t id,
                                  std::string_view origin_wire, uint16_t qtype,
                                  std::vector<Record>* out) {
  Reader r(msg, len);
  const uint16_t got_id = r.ReadU16();
  const uint16_t flags = r.ReadU16();
  const uint16_t qd = r.ReadU16();
  const uint16_t an = r.ReadU16();
  r.ReadU16();  // NSCOUNT
  r.ReadU16();  // ARCOUNT
  if (!r.ok()) return absl::InvalidArgumentError("malformed: message shorter than a header");
  if (got_id != id) {
    return absl::InvalidArgumentError(absl::StrCat("malformed: response ID ", got_id,
                                                   " is not the request's ", id));
  }
  if ((flags & 0x8000) == 0) return absl::InvalidArgumentError("malformed: QR not set");
  if (((flags >> 11) & 0xf) != 0) return absl::InvalidArgumentError("malformed: opcode not QUERY");
  const uint16_t rcode = flags & 0xf;
  if (rcode != 0) {
    return absl::InvalidArgumentError(absl::StrCat("rcode: the primary answered ",
                                                   RcodeName(rcode)));
  }
  if (flags & 0x0200) return absl::InvalidArgumentError("malformed: TC set over TCP");
  if (qd > 1) return absl::InvalidArgumentError("malformed: more than one question");
  if (qd == 1) {
    Name q;
    r.ReadName(&q);
    const uint16_t t = r.ReadU16();
    const uint16_t c = r.ReadU16();
    if (!r.ok()) return absl::InvalidArgumentError("malformed: question does not parse");
    if (q.wire() != origin_wire || t != qtype || c != kClassIn) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed: question ", q.ToText(), " is not the request's"));
    }
  }
  for (uint16_t i = 0; i < an; ++i) {
    Record rr;
    Name owner;
    r.ReadName(&owner);
    rr.type = r.ReadU16();
    rr.rclass = r.ReadU16();
    rr.ttl = r.ReadU32();
    const uint16_t rdlength = r.ReadU16();
    if (!r.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("malformed: answer RR ", i + 1, " does not parse"));
    }
    if (!ReadRdata(r, rr.type, rdlength, &rr.rdata)) {
      return absl::InvalidArgumentError(absl::StrCat("malformed: RDATA of ", owner.ToText(), " ",
                                                     TypeName(rr.type), " does not parse"));
    }
    if (rr.rclass != kClassIn) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed: ", owner.ToText(), " has class ", rr.rclass, ", not IN"));
    }
    if (!owner.IsSubdomainOf(origin_wire)) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed: ", owner.ToText(), " is outside the zone"));
    }
    if (rr.ttl & 0x80000000u) rr.ttl = 0;  // RFC 2181 §8
    rr.owner.assign(owner.wire());
    out->push_back(std::move(rr));
  }
  return absl::OkStatus();
}

bool ParseSoaRdata(std::string_view rdata, SoaFields* out) {
  Reader r(reinterpret_cast<const uint8_t*>(rdata.data()), rdata.size());
  Name n;
  r.ReadName(&n);
  r.ReadName(&n);
  out->serial = r.ReadU32();
  out->refresh = r.ReadU32();
  out->retry = r.ReadU32();
  out->expire = r.ReadU32();
  out->minimum = r.ReadU32();
  return r.ok() && r.remaining() == 0;
}

void ZoneCopy::SetSoa(Record soa) {
  ParseSoaRdata(soa.rdata, &soa_fields_);
  soa_ = std::move(soa);
  has_soa_ = true;
}

void ZoneCopy::Add(const Record& rr) { rrs_[RecordKey(rr)] = rr.ttl; }

bool ZoneCopy::Remove(const Record& rr) { return rrs_.erase(RecordKey(rr)) == 1; }

std::string ZoneCopy::ToMasterText() const {
  std::string out;
  absl::StrAppend(&out, "; ", NameToText(origin_), " serial ", soa_fields_.serial,
                  ", transferred by steerdns (secondary)\n");
  if (has_soa_) AppendLine(&out, soa_.owner, soa_.ttl, soa_.type, soa_.rdata);
  for (const auto& [key, ttl] : rrs_) {
    // owner wire (self-delimiting) + type + RDATA
    size_t i = 0;
    while (i < key.size() && key[i] != 0) i += static_cast<uint8_t>(key[i]) + 1;
    const std::string_view k(key);
    const std::string_view owner = k.substr(0, i + 1);
    const uint16_t type = static_cast<uint16_t>((static_cast<uint8_t>(k[i + 1]) << 8) |
                                                static_cast<uint8_t>(k[i + 2]));
    AppendLine(&out, owner, ttl, type, k.substr(i + 3));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ZoneCopy>> ZoneCopy::FromMasterText(std::string origin_wire,
                                                                   std::string_view text) {
  auto copy = std::make_unique<ZoneCopy>(std::move(origin_wire));
  zones::MasterTokenizer t(text);
  zones::MasterEntry e;
  zones::MasterTokenizer::Error err;
  const std::string root(1, '\0');
  while (t.Next(&e, &err)) {
    auto bad = [&](std::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("line ", e.line, ": ", base::AV(what)));
    };
    if (!err.message.empty()) return bad(err.message);
    if (e.tokens.size() < 4 || !e.has_owner) return bad("not \"owner TTL IN TYPE RDATA\"");
    Record rr;
    uint16_t rclass = 0;
    if (!NameFromText(e.tokens[0].text, &rr.owner) || !NameIsSubdomain(rr.owner, copy->origin_)) {
      return bad("bad owner");
    }
    if (!zones::TtlFromText(e.tokens[1].text, &rr.ttl).empty()) return bad("bad TTL");
    if (!zones::ClassFromText(e.tokens[2].text, &rclass) || rclass != kClassIn) {
      return bad("class is not IN");
    }
    if (!zones::TypeFromText(e.tokens[3].text, &rr.type)) return bad("bad type");
    const std::string rerr = zones::RdataFromText(
        rr.type, absl::MakeConstSpan(e.tokens).subspan(4), root, &rr.rdata);
    if (!rerr.empty()) return bad(rerr);
    if (rr.type == rrtype::kSOA) {
      if (copy->has_soa_ || rr.owner != copy->origin_) return bad("a second SOA, or not at the apex");
      SoaFields f;
      if (!ParseSoaRdata(rr.rdata, &f)) return bad("bad SOA");
      copy->SetSoa(std::move(rr));
    } else {
      copy->Add(rr);
    }
  }
  if (!copy->has_soa_) return absl::InvalidArgumentError("no SOA");
  return copy;
}

const char* TransferKindName(TransferKind k) {
  switch (k) {
    case TransferKind::kUpToDate: return "up-to-date";
    case TransferKind::kAxfr: return "AXFR";
    case TransferKind::kIxfr: return "IXFR";
  }
  return "?";
}

StreamAssembler::StreamAssembler(std::string origin_wire, uint16_t qtype, const ZoneCopy* base,
                                 TransferLimits limits)
    : origin_(std::move(origin_wire)), qtype_(qtype), base_(base), limits_(limits) {}

bool StreamAssembler::IsApexSoa(const Record& rr) const {
  return rr.type == rrtype::kSOA && rr.owner == origin_;
}

absl::Status StreamAssembler::AddBytes(size_t n) {
  bytes_ += n;
  if (bytes_ > limits_.max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too_big: the transfer exceeds ", limits_.max_bytes, " octets"));
  }
  return absl::OkStatus();
}

absl::Status StreamAssembler::Add(Record rr) {
  if (++records_ > limits_.max_records) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too_big: the transfer exceeds ", limits_.max_records, " records"));
  }
  if (rr.type == rrtype::kSOA && rr.owner != origin_) {
    return absl::InvalidArgumentError(
        absl::StrCat("soa: an SOA at ", NameToText(rr.owner), ", not at the apex"));
  }
  if (rr.type == rrtype::kSOA) {
    SoaFields f;
    if (!ParseSoaRdata(rr.rdata, &f)) {
      return absl::InvalidArgumentError("malformed: an SOA RDATA does not parse");
    }
  }
  switch (state_) {
    case State::kStart: {
      if (!IsApexSoa(rr)) {
        return absl::InvalidArgumentError(
            absl::StrCat("soa: the transfer starts with ", NameToText(rr.owner), " ",
                         TypeName(rr.type), ", not the zone's SOA"));
      }
      SoaFields f;
      ParseSoaRdata(rr.rdata, &f);
      final_serial_ = f.serial;
      first_soa_ = std::move(rr);
      state_ = State::kFirstSoa;
      return absl::OkStatus();
    }
    case State::kFirstSoa: {
      if (qtype_ == rrtype::kIXFR && base_ != nullptr && IsApexSoa(rr)) {
        SoaFields f;
        ParseSoaRdata(rr.rdata, &f);
        if (f.serial == base_->serial() && f.serial != final_serial_) {
          // Incremental: the first difference starts with our SOA.
          zone_ = std::make_unique<ZoneCopy>(*base_);
          return StartDiff(rr);
        }
      }
      zone_ = std::make_unique<ZoneCopy>(origin_);
      zone_->SetSoa(first_soa_);
      state_ = State::kAxfrBody;
      return AddAxfrRecord(std::move(rr));
    }
    case State::kAxfrBody:
      return AddAxfrRecord(std::move(rr));
    case State::kIxfrDelete:
      if (rr.type == rrtype::kSOA) {
        SoaFields f;
        ParseSoaRdata(rr.rdata, &f);
        if (!zones::SerialNewer(f.serial, zone_->serial())) {
          return absl::InvalidArgumentError(
              absl::StrCat("ixfr: a difference from serial ", zone_->serial(), " to ", f.serial,
                           ", which is not newer"));
        }
        diff_to_serial_ = f.serial;
        zone_->SetSoa(std::move(rr));
        state_ = State::kIxfrAdd;
        incremental_ = true;
        return absl::OkStatus();
      }
      if (!zone_->Remove(rr)) {
        return absl::InvalidArgumentError(
            absl::StrCat("ixfr: deletes ", NameToText(rr.owner), " ", TypeName(rr.type),
                         ", which our copy (serial ", zone_->serial(), ") does not have"));
      }
      return absl::OkStatus();
    case State::kIxfrAdd:
      if (rr.type == rrtype::kSOA) {
        SoaFields f;
        ParseSoaRdata(rr.rdata, &f);
        if (f.serial == final_serial_ && zone_->serial() == final_serial_) {
          if (rr.rdata != first_soa_.rdata) {
            return absl::InvalidArgumentError("soa: the final SOA differs from the first");
          }
          state_ = State::kDone;
          return absl::OkStatus();
        }
        return StartDiff(rr);
      }
      zone_->Add(rr);
      if (zone_->record_count() > limits_.max_records) {
        return absl::ResourceExhaustedError(
            absl::StrCat("too_big: the zone exceeds ", limits_.max_records, " records"));
      }
      return absl::OkStatus();
    case State::kDone:
      return absl::InvalidArgumentError(
          absl::StrCat("soa: ", NameToText(rr.owner), " ", TypeName(rr.type),
                       " after the final SOA"));
  }
  return absl::OkStatus();
}

absl::Status StreamAssembler::StartDiff(const Record& soa) {
  SoaFields f;
  ParseSoaRdata(soa.rdata, &f);
  if (f.serial != zone_->serial()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ixfr: a difference starts at serial ", f.serial, ", our copy is at ",
                     zone_->serial()));
  }
  state_ = State::kIxfrDelete;
  return absl::OkStatus();
}

absl::Status StreamAssembler::AddAxfrRecord(Record rr) {
  if (rr.type == rrtype::kSOA) {
    SoaFields f;
    ParseSoaRdata(rr.rdata, &f);
    if (f.serial != final_serial_) {
      return absl::InvalidArgumentError(
          absl::StrCat("soa: the last SOA has serial ", f.serial, ", the first ", final_serial_));
    }
    state_ = State::kDone;
    return absl::OkStatus();
  }
  zone_->Add(rr);
  if (zone_->record_count() > limits_.max_records) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too_big: the zone exceeds ", limits_.max_records, " records"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StreamResult> StreamAssembler::Finish() {
  StreamResult result;
  result.records = records_;
  if (state_ == State::kFirstSoa && qtype_ == rrtype::kIXFR && base_ != nullptr &&
      !zones::SerialNewer(final_serial_, base_->serial())) {
    result.kind = TransferKind::kUpToDate;
    return result;
  }
  if (state_ != State::kDone) {
    return absl::InvalidArgumentError(
        state_ == State::kStart ? "soa: the transfer ended before its first SOA"
                                : "soa: the transfer ended before its final SOA");
  }
  result.kind = incremental_ ? TransferKind::kIxfr : TransferKind::kAxfr;
  result.zone = std::move(zone_);
  state_ = State::kStart;
  return result;
}

}  // namespace dns::xfr
