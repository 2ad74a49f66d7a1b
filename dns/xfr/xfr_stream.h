// File: dns/xfr/xfr_stream.h
//
// The incoming side of a zone transfer, without sockets: one response
// message's records (ParseTransferMessage), the RR sequence of an AXFR
// (RFC 5936 §2.2) or IXFR (RFC 1995 §4) response checked and applied
// (StreamAssembler), and the secondary's copy of a zone (ZoneCopy) with its
// master-file text, which the lead loads through the same zone builder as
// --zone files.
//
// Everything here reads untrusted input: every length is bounds-checked
// (dns::Reader), names in RDATA are decompressed only for the types RFC
// 3597 §4 names, and TransferLimits caps the bytes and records of a stream.
// What is rejected, each with an InvalidArgument / ResourceExhausted status
// whose message starts with a short reason word (TransferErrorReason):
//   malformed    a message that does not parse, QR/opcode/ID/question wrong,
//                class not IN, an RR outside the zone, RDATA that does not
//                end where RDLENGTH says
//   rcode        the primary answered an rcode other than NOERROR
//   soa          the stream does not start with the zone's SOA, does not
//                end with an SOA identical in serial to the first, records
//                after the last SOA, an SOA elsewhere than the apex, a zone
//                with no or two SOA
//   ixfr         an IXFR difference sequence that does not chain from our
//                serial to the new one, or deletes an RR we do not have
//   too_big      more bytes or records than TransferLimits allows
// A shrinking zone is fine as long as it is consistent; nothing is
// rejected for its size going down.
//
// Example:
//   dns::xfr::StreamAssembler a(origin_wire, rrtype::kIXFR, &current, limits);
//   for each message: std::vector<Record> rrs;
//       RETURN_IF_ERROR(ParseTransferMessage(msg, len, id, origin_wire, kIXFR, &rrs));
//       for (auto& rr : rrs) RETURN_IF_ERROR(a.Add(std::move(rr)));
//       if (a.done()) break;
//   absl::StatusOr<StreamResult> r = a.Finish();
//
// Thread safety: plain values; one assembler per transfer.
#ifndef STEERDNS_DNS_XFR_XFR_STREAM_H_
#define STEERDNS_DNS_XFR_XFR_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dns::xfr {

// One RR of a transfer: owner lower-cased wire form, RDATA uncompressed.
struct Record {
  std::string owner;
  uint16_t type = 0;
  uint16_t rclass = 1;
  uint32_t ttl = 0;
  std::string rdata;
};

// Bounds for one incoming transfer.
struct TransferLimits {
  size_t max_bytes = size_t{1} << 30;  // all messages together
  size_t max_records = 20'000'000;     // RRs in the stream, and in the zone
};

// The reason word of a transfer error status ("malformed", "rcode", "soa",
// "ixfr", "too_big", or the client's "timeout", "network", "tsig",
// "refused", "serial_backwards", "commit"): the message up to the first
// ':' when it is one of those, else "other". Metrics label them.
std::string TransferErrorReason(const absl::Status& status);

// Appends the answer-section RRs of one response message to *out after
// checking the header (QR set, ID `id`, opcode QUERY, rcode NOERROR:
// otherwise "rcode: ..."; TC clear) and the question (none, or exactly
// `origin_wire`/`qtype`/IN). Authority and additional RRs are ignored (the
// caller verifies TSIG). Names in RDATA are decompressed.
absl::Status ParseTransferMessage(const uint8_t* msg, size_t len, uint16_t id,
                                  std::string_view origin_wire, uint16_t qtype,
                                  std::vector<Record>* out);

// The SOA fields a secondary uses (RFC 1035 §3.3.13).
struct SoaFields {
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
// Reads the five counters at the end of an uncompressed SOA RDATA;
// false if it is too short or its names are malformed.
bool ParseSoaRdata(std::string_view rdata, SoaFields* out);

// A secondary's copy of a zone: its RRs, a set keyed on (owner, type,
// RDATA) with the TTL as value (IXFR deletes match regardless of TTL).
class ZoneCopy {
 public:
  explicit ZoneCopy(std::string origin_wire) : origin_(std::move(origin_wire)) {}

  const std::string& origin() const { return origin_; }
  // The apex SOA (RDATA uncompressed) and its fields.
  const Record& soa() const { return soa_; }
  const SoaFields& soa_fields() const { return soa_fields_; }
  uint32_t serial() const { return soa_fields_.serial; }
  // RRs, the SOA included.
  size_t record_count() const { return rrs_.size() + (has_soa_ ? 1 : 0); }

  // Sets the SOA (replacing the previous one). Not added through Add.
  void SetSoa(Record soa);
  // Adds an RR (not the SOA); an identical RR only takes the new TTL.
  void Add(const Record& rr);
  // Removes the RR of this owner/type/RDATA; false if there is none.
  bool Remove(const Record& rr);

  // The zone as master-file text: a comment, then the SOA, then every RR
  // in owner order, one per line "owner TTL IN TYPE RDATA" with absolute
  // names (zones::RdataToText's presentation form).
  std::string ToMasterText() const;

  // Reads back what ToMasterText wrote (the persisted copy, so that the
  // first transfer after a restart can be an IXFR): one RR per line,
  // absolute names, class IN, exactly one SOA at the apex.
  // InvalidArgument "line N: ..." otherwise.
  static absl::StatusOr<std::unique_ptr<ZoneCopy>> FromMasterText(std::string origin_wire,
                                                                  std::string_view text);

 private:
  std::string origin_;
  bool has_soa_ = false;
  Record soa_;
  SoaFields soa_fields_;
  // key: owner wire + type (2 octets) + RDATA; value: TTL.
  std::map<std::string, uint32_t> rrs_;
};

// What an incoming transfer turned out to be.
enum class TransferKind : uint8_t {
  kUpToDate,  // IXFR answered with our own serial's SOA only
  kAxfr,      // a full zone (AXFR, or an AXFR-style IXFR response)
  kIxfr,      // differences applied to our copy
};
const char* TransferKindName(TransferKind k);  // "up-to-date", "AXFR", "IXFR"

struct StreamResult {
  TransferKind kind = TransferKind::kAxfr;
  std::shared_ptr<const ZoneCopy> zone;  // null for kUpToDate
  size_t records = 0;                    // RRs in the stream
};

// Checks and applies the RR sequence of one AXFR or IXFR response.
class StreamAssembler {
 public:
  // `qtype` AXFR or IXFR; `base` is our copy for IXFR (nullptr for AXFR:
  // then an IXFR request makes no sense and is not sent). The base is
  // copied only when differences arrive (it is never changed).
  StreamAssembler(std::string origin_wire, uint16_t qtype, const ZoneCopy* base,
                  TransferLimits limits);

  // The next RR of the stream. An error is final.
  absl::Status Add(Record rr);
  // Counts message octets against max_bytes.
  absl::Status AddBytes(size_t n);
  // True once the final SOA has been seen: no RR may follow.
  bool done() const { return state_ == State::kDone; }
  // The result; "soa: ..." when the stream ended before its final SOA.
  absl::StatusOr<StreamResult> Finish();

 private:
  enum class State : uint8_t {
    kStart,      // nothing yet
    kFirstSoa,   // the first SOA seen (IXFR: decide AXFR-style or not)
    kAxfrBody,   // full zone records until the SOA equal to the first
    kIxfrDelete, // deleting (after an old-serial SOA)
    kIxfrAdd,    // adding (after a new-serial SOA)
    kDone,
  };
  absl::Status AddAxfrRecord(Record rr);
  absl::Status StartDiff(const Record& soa);
  bool IsApexSoa(const Record& rr) const;

  std::string origin_;
  uint16_t qtype_;
  const ZoneCopy* base_;
  TransferLimits limits_;
  State state_ = State::kStart;
  Record first_soa_;
  uint32_t final_serial_ = 0;
  std::unique_ptr<ZoneCopy> zone_;
  uint32_t diff_to_serial_ = 0;  // serial the current diff leads to
  size_t records_ = 0;
  size_t bytes_ = 0;
  bool incremental_ = false;
};

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_XFR_STREAM_H_
