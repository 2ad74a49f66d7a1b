// File: zones/master_file_rr.h
//
// One RR of a master file, read by either of the master-file reader's two
// parsers (zones/master_file.cc):
//  - the fast path, ParseSimpleRR(): one simple RR on one line ("name [ttl]
//    [IN] A|AAAA|NS|CNAME|PTR|MX|TXT rdata [; comment]") without
//    parentheses, escapes or anything unusual; it declines everything else;
//  - ldns, LdnsRRReader: the whole RFC 1035 language, for what the fast
//    path declines.
// The reader must not care which one read a line, so both must agree on
// every line the fast path accepts: ReadRRLineBothWays() reads one line
// both ways and RRLineDisagreement() says where they differ. The fuzz
// target tests/fuzz/master_file_diff_fuzz.cc and the tests in
// tests/zones/master_file_diff_test.cc check that.
#ifndef STEERDNS_ZONES_MASTER_FILE_RR_H_
#define STEERDNS_ZONES_MASTER_FILE_RR_H_

#include <stdio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// ldns's types, without its headers.
struct ldns_struct_rdf;
struct ldns_struct_buffer;

namespace zones {

// The TTL of an RR written without one (a TTL with the top bit set is not
// a real one, RFC 2181 §8): the reader resolves it from $TTL.
constexpr uint32_t kOmittedTtl = 0xffffffffu;

// One RR as a parser read it.
struct ParsedRR {
  std::string owner;  // wire, in the case written; "": the previous owner
  uint16_t type = 0;
  uint16_t rclass = 1;  // IN
  uint32_t ttl = kOmittedTtl;
  std::string rdata;  // uncompressed wire
};

// The fast path: parses `line` (one line without its newline) if it is one
// simple RR, with names relative to `origin_wire`; false means "not mine,
// ldns reads it". A line that starts with a blank has an empty owner.
bool ParseSimpleRR(std::string_view line, const std::string& origin_wire,
                   ParsedRR* rr);

// ldns reading RRs from a FILE, one ldns_rr_new_frm_fp_l() call each, with
// the origin and previous owner it needs for relative and blank owners.
class LdnsRRReader {
 public:
  enum class Result {
    kRR,           // *rr is filled
    kEmpty,        // nothing but blanks and comments up to the end
    kSyntaxError,  // *error: ldns's message
    kEncodeError,  // *error: the RDATA could not be encoded
  };

  LdnsRRReader();
  ~LdnsRRReader();
  LdnsRRReader(const LdnsRRReader&) = delete;
  LdnsRRReader& operator=(const LdnsRRReader&) = delete;

  // False if out of memory.
  bool SetOrigin(std::string_view origin_wire);
  // The owner a blank owner stands for; "" for none yet (ldns then takes
  // the origin).
  bool SetPrevious(std::string_view owner_wire);

  // Reads the RR that starts at `fp`'s position (which ends up after it);
  // `line` counts the lines it reads. After an RR, a blank owner stands for
  // its owner (RFC 1035 §5.1), also when it was itself blank.
  Result Read(FILE* fp, int* line, ParsedRR* rr, std::string* error);

 private:
  ldns_struct_rdf* origin_ = nullptr;
  ldns_struct_rdf* previous_ = nullptr;
  ldns_struct_buffer* rdata_ = nullptr;
};

// --- The two parsers compared ------------------------------------------------

// One line read by both parsers.
struct RRLineReadings {
  bool fast_read = false;  // ParseSimpleRR took it: `fast` (owner filled in)
  ParsedRR fast;
  bool ldns_read = false;  // ldns read an RR: `ldns`; else `ldns_error`
  ParsedRR ldns;
  std::string ldns_error;
  // Octets at the end of the line that ldns left unread (it would read
  // them as the next RR): ldns ended the line early.
  size_t ldns_rest = 0;
};

// Reads `line` (one line without its newline) with both parsers, as the
// reader would at that point of a file: `origin_wire` is the current
// $ORIGIN, `previous_owner_wire` the owner of the RR before ("" if none).
RRLineReadings ReadRRLineBothWays(std::string_view line,
                                  const std::string& origin_wire,
                                  std::string_view previous_owner_wire);

// "" when the readings agree: the fast path declined the line (ldns reads
// it alone, whatever it makes of it), or both read the whole line as the
// same owner, type, class, TTL and RDATA. Else what differs, e.g.
// "owner: fast path www.example.com., ldns example.com.".
std::string RRLineDisagreement(const RRLineReadings& readings);

// Why a disagreement of `line` is a known, deliberate one, or "" if it is
// not: see kKnownDifferences in master_file_rr.cc.
std::string_view KnownRRLineDifference(std::string_view line,
                                       const RRLineReadings& readings);

}  // namespace zones

#endif  // STEERDNS_ZONES_MASTER_FILE_RR_H_
