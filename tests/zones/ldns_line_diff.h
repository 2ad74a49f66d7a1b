// File: tests/zones/ldns_line_diff.h
//
// Our master-file reader (zones/master_reader.h) against ldns
// (ldns_rr_new_frm_str) on one line of master-file text: where both read
// the line as an RR, they must read the same owner, type, class, TTL and
// wire RDATA. A line either of them refuses is not compared (ours refuses
// more: class-less TTLs out of range, unterminated quotes, NUL octets...).
// Used by tests/zones/master_file_diff_test.cc and the fuzz target
// tests/fuzz/master_file_diff_fuzz.cc.
//
// Example:
//   zones_test::LineComparison c = zones_test::CompareLineWithLdns(
//       "www 300 IN A 192.0.2.1", origin_wire);
//   EXPECT_EQ(c.disagreement, "");
#ifndef STEERDNS_TESTS_ZONES_LDNS_LINE_DIFF_H_
#define STEERDNS_TESTS_ZONES_LDNS_LINE_DIFF_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace zones_test {

// One RR as a reader read it.
struct LineRR {
  std::string owner;  // wire, case as written
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed wire
};

struct LineComparison {
  bool ours_read = false;  // our reader read the line as one RR: `ours`
  LineRR ours;
  std::string ours_error;  // else its first error ("" for no RR at all)
  bool ldns_read = false;  // ldns read it: `ldns`
  LineRR ldns;
  std::string ldns_error;  // else ldns's message
  // "" when they agree (or either refuses the line), else what differs,
  // e.g. "RDATA: ours c0000201, ldns c0000202".
  std::string disagreement;
  // Why `disagreement` is a known, deliberate difference; "" if it is not.
  std::string known;
};

// Reads `line` (one line, no newline) both ways for the origin
// `origin_wire`, an RR without a TTL getting 3600 from both.
LineComparison CompareLineWithLdns(std::string_view line, std::string_view origin_wire);

// An RR for messages: "www.example.com. 300 CLASS1 A c0000201".
std::string DescribeLineRR(const LineRR& rr);

}  // namespace zones_test

#endif  // STEERDNS_TESTS_ZONES_LDNS_LINE_DIFF_H_
