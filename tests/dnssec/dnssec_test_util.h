// File: tests/dnssec/dnssec_test_util.h
//
// What the DNSSEC tests share: records between presentation text and wire
// form through ldns (so our code never parses the text it is graded on),
// temporary folders, and running the outside tools (ldns-keygen,
// dnssec-keygen, ldns-signzone, ...) with their output captured.
#ifndef STEERDNS_TESTS_DNSSEC_DNSSEC_TEST_UTIL_H_
#define STEERDNS_TESTS_DNSSEC_DNSSEC_TEST_UTIL_H_

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace steer_test {

// One RR in wire form, split the way dns::dnssec::RrsetView wants it.
struct WireRr {
  std::string owner;  // wire, case as written
  uint16_t type = 0;
  uint16_t rclass = 1;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed
};

// Parses one RR of presentation text with ldns.
inline WireRr ParseRr(const std::string& text) {
  ldns_rr* rr = nullptr;
  const ldns_status st = ldns_rr_new_frm_str(&rr, text.c_str(), 3600, nullptr, nullptr);
  EXPECT_EQ(st, LDNS_STATUS_OK) << text << ": " << ldns_get_errorstr_by_id(st);
  WireRr out;
  if (st != LDNS_STATUS_OK) return out;
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_rr2wire(&wire, rr, LDNS_SECTION_ANSWER, &size), LDNS_STATUS_OK);
  const ldns_rdf* owner = ldns_rr_owner(rr);
  out.owner.assign(reinterpret_cast<const char*>(ldns_rdf_data(owner)), ldns_rdf_size(owner));
  size_t p = out.owner.size();
  out.type = static_cast<uint16_t>((wire[p] << 8) | wire[p + 1]);
  out.rclass = static_cast<uint16_t>((wire[p + 2] << 8) | wire[p + 3]);
  out.ttl = (uint32_t{wire[p + 4]} << 24) | (uint32_t{wire[p + 5]} << 16) |
            (uint32_t{wire[p + 6]} << 8) | wire[p + 7];
  const size_t rdlen = static_cast<size_t>((wire[p + 8] << 8) | wire[p + 9]);
  out.rdata.assign(reinterpret_cast<const char*>(wire + p + 10), rdlen);
  free(wire);
  ldns_rr_free(rr);
  return out;
}

// The whole RR in wire form.
inline std::string RrWire(const std::string& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                          const std::string& rdata) {
  std::string w = owner;
  const uint8_t fixed[10] = {
      static_cast<uint8_t>(type >> 8),  static_cast<uint8_t>(type),
      static_cast<uint8_t>(rclass >> 8), static_cast<uint8_t>(rclass),
      static_cast<uint8_t>(ttl >> 24),  static_cast<uint8_t>(ttl >> 16),
      static_cast<uint8_t>(ttl >> 8),   static_cast<uint8_t>(ttl),
      static_cast<uint8_t>(rdata.size() >> 8), static_cast<uint8_t>(rdata.size())};
  w.append(reinterpret_cast<const char*>(fixed), sizeof fixed);
  w += rdata;
  return w;
}

// An ldns RR from wire parts (the caller frees it).
inline ldns_rr* LdnsRr(const std::string& owner, uint16_t type, uint32_t ttl,
                       const std::string& rdata) {
  const std::string w = RrWire(owner, type, 1, ttl, rdata);
  ldns_rr* rr = nullptr;
  size_t pos = 0;
  const ldns_status st = ldns_wire2rr(&rr, reinterpret_cast<const uint8_t*>(w.data()), w.size(),
                                      &pos, LDNS_SECTION_ANSWER);
  EXPECT_EQ(st, LDNS_STATUS_OK) << ldns_get_errorstr_by_id(st);
  return rr;
}

// ldns's presentation form of an RR (no trailing newline).
inline std::string RrText(const std::string& owner, uint16_t type, uint32_t ttl,
                          const std::string& rdata) {
  ldns_rr* rr = LdnsRr(owner, type, ttl, rdata);
  if (rr == nullptr) return "";
  char* s = ldns_rr2str(rr);
  std::string out = s;
  free(s);
  ldns_rr_free(rr);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Base64 through ldns's B64 rdata parser and printer.
inline std::string Base64Decode(const std::string& b64) {
  ldns_rdf* rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_B64, b64.c_str());
  EXPECT_NE(rdf, nullptr) << b64;
  if (rdf == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
  ldns_rdf_deep_free(rdf);
  return out;
}

inline std::string Base64Encode(const std::string& raw) {
  ldns_rdf* rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, raw.size(), raw.data());
  char* s = ldns_rdf2str(rdf);
  std::string out = s;
  free(s);
  ldns_rdf_deep_free(rdf);
  return out;
}

// A fresh folder under $TMPDIR, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "steer-dnssec-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a shell command (bounded by `timeout` seconds through timeout(1)),
// returning its exit status and stdout+stderr.
struct CommandResult {
  int status = -1;
  std::string output;
};
inline CommandResult RunCommand(const std::string& command, int timeout_s = 60) {
  CommandResult r;
  const std::string full = "timeout " + std::to_string(timeout_s) + " " + command + " 2>&1";
  FILE* f = popen(full.c_str(), "r");
  if (f == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.output.append(buf, n);
  const int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline bool HaveTool(const std::string& name) {
  return RunCommand("sh -c 'command -v " + name + "' >/dev/null").status == 0;
}

}  // namespace steer_test

#endif  // STEERDNS_TESTS_DNSSEC_DNSSEC_TEST_UTIL_H_
