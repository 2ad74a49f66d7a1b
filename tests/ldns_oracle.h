// File: tests/ldns_oracle.h
//
// ldns as the independent oracle of the tests (the in-process answer tests
// and the end-to-end clients): queries built by ldns (and EDNS Client
// Subnet options appended octet by octet, so that malformed ones can be
// sent too), reply sections printed and EDNS options read by ldns. Our own
// parser never grades our own writer. Header-only; no steerdns code.
//
// Example:
//   std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
//   ... dns::HandleQuery(...) -> reply octets ...
//   ldns_pkt* pkt; ldns_wire2pkt(&pkt, out, n);
//   SectionText(pkt, LDNS_SECTION_ANSWER)  // {"www.example.com.\t3600\tIN\tA\t192.0.2.1"}
#ifndef STEERDNS_TESTS_LDNS_ORACLE_H_
#define STEERDNS_TESTS_LDNS_ORACLE_H_

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace steer_test {

// What BuildQuery puts in a query besides the question.
struct QueryWire {
  uint16_t id = 0x1234;
  int edns_udp = 0;  // EDNS buffer size; 0 = no OPT
  uint8_t edns_version = 0;
  uint16_t qclass = LDNS_RR_CLASS_IN;
  bool dnssec_ok = false;  // the DO bit (with edns_udp > 0)
};

// Wire form of a query (RD set) for `name` (presentation form, case kept).
inline std::vector<uint8_t> BuildQuery(const std::string& name, ldns_rr_type type,
                                       const QueryWire& wire = {}) {
  ldns_rdf* qname = ldns_dname_new_frm_str(name.c_str());
  ldns_pkt* pkt =
      ldns_pkt_query_new(qname, type, static_cast<ldns_rr_class>(wire.qclass), LDNS_RD);
  ldns_pkt_set_id(pkt, wire.id);
  if (wire.edns_udp > 0) {
    ldns_pkt_set_edns_udp_size(pkt, static_cast<uint16_t>(wire.edns_udp));
    ldns_pkt_set_edns_version(pkt, wire.edns_version);
    if (wire.dnssec_ok) ldns_pkt_set_edns_do(pkt, true);
  }
  uint8_t* bytes = nullptr;
  size_t len = 0;
  EXPECT_EQ(ldns_pkt2wire(&bytes, pkt, &len), LDNS_STATUS_OK);
  std::vector<uint8_t> out(bytes, bytes + len);
  free(bytes);
  ldns_pkt_free(pkt);
  return out;
}

// Appends an OPT RR (buffer 4096) carrying one ECS option (RFC 7871 §6) to
// a query without EDNS and counts it in ARCOUNT. `address` is sent as
// given, however long.
inline std::vector<uint8_t> AppendEcs(std::vector<uint8_t> q, uint16_t family,
                                      uint8_t source, uint8_t scope,
                                      const std::vector<uint8_t>& address) {
  const uint16_t optlen = static_cast<uint16_t>(4 + address.size());
  const uint16_t rdlen = static_cast<uint16_t>(4 + optlen);
  const uint8_t opt[] = {0, 0, 41, 0x10, 0x00, 0, 0, 0, 0,
                         static_cast<uint8_t>(rdlen >> 8), static_cast<uint8_t>(rdlen),
                         0, 8, static_cast<uint8_t>(optlen >> 8), static_cast<uint8_t>(optlen),
                         static_cast<uint8_t>(family >> 8), static_cast<uint8_t>(family),
                         source, scope};
  q.insert(q.end(), std::begin(opt), std::end(opt));
  q.insert(q.end(), address.begin(), address.end());
  q[11] = static_cast<uint8_t>(q[11] + 1);  // ARCOUNT
  return q;
}

// The RRs of one section as ldns prints them, tabs between the fields and
// no newline: "www.example.com.\t3600\tIN\tA\t192.0.2.1".
inline std::vector<std::string> SectionText(const ldns_pkt* pkt, ldns_pkt_section section) {
  std::vector<std::string> out;
  ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, section);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line(text);
    free(text);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out.push_back(line);
  }
  ldns_rr_list_deep_free(list);
  return out;
}

// The options in the OPT RDATA of `reply`: (code, data) pairs, in order.
// *complete (if not null) is false if an option overran the RDATA (the
// options before it are returned).
inline std::vector<std::pair<uint16_t, std::vector<uint8_t>>> EdnsOptions(
    const ldns_pkt* reply, bool* complete = nullptr) {
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> out;
  if (complete != nullptr) *complete = true;
  const ldns_rdf* data = ldns_pkt_edns_data(reply);
  if (data == nullptr) return out;
  const uint8_t* p = ldns_rdf_data(data);
  const size_t n = ldns_rdf_size(data);
  size_t i = 0;
  while (i + 4 <= n) {
    const uint16_t code = static_cast<uint16_t>(p[i] << 8 | p[i + 1]);
    const size_t len = static_cast<size_t>(p[i + 2] << 8 | p[i + 3]);
    if (i + 4 + len > n) {
      if (complete != nullptr) *complete = false;
      break;
    }
    out.emplace_back(code, std::vector<uint8_t>(p + i + 4, p + i + 4 + len));
    i += 4 + len;
  }
  return out;
}

}  // namespace steer_test

#endif  // STEERDNS_TESTS_LDNS_ORACLE_H_
