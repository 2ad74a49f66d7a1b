// File: tests/e2e/zone_parity_test.cc
//
// The master-file parity corpus (tests/zones/parity/, see its README.md):
// every file is read by steerdns the way NSD, Knot and BIND read it.
//
// e2eZoneParity.Verdicts, for every file of the corpus: `zonectl check`
// (the real binary), kzonecheck, named-checkzone (-n fail -m fail -M fail
// -S fail, the strictness issue 15 asks for) and nsd-checkzone; and the
// real steerdns started with the file alone, for files that should be
// refused, are disputed, or that `zonectl check` refuses. It fails when
//   - steerdns's verdict (accept or refuse) differs from both kzonecheck's
//     and named-checkzone's (the table of such files is printed);
//   - a file the corpus says is broken loads, or its errors are not each
//     reported as "file:line: message" by both `zonectl check` and the
//     server's start-up;
//   - a file the corpus says is good is refused by `zonectl check`;
//   - `zonectl check` and the server's start-up disagree.
//
// e2eZoneParity.Serving: one steerdns and one NSD (tests/e2e/nsd_process.h)
// serve every file that should load, on free loopback ports. For each
// owner and type `ldns-read-zone` lists in a file (named-checkzone -D when
// ldns cannot read it, e.g. $INCLUDE, or keeps the quotes of a quoted
// owner), both are asked over TCP with ldns
// (tests/e2e/dns_client.h); the RCODE, AA and the answer section (the
// authority section when the answer is empty: referrals) must be the same
// RRsets, compared as sorted canonical RDATA with TTLs. What NSD returned
// for those owners and types must also be exactly the records `zonectl
// show ORIGIN --records` exports. Files that NSD refuses are only
// reported; files marked `no-serve-compare` (the reference servers serve
// them differently among themselves) print their differences without
// failing.
//
// Every program runs bounded in time; the per-file work runs on a few
// threads. ctest label `interop`; needs nsd, knot-dnssecutils, bind9-utils
// and ldnsutils (STEER_REQUIRE).
#include <dirent.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/nsd_process.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using std::chrono::seconds;

// ---------------------------------------------------------------------------
// The corpus.

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
std::string SourceDir() { return EnvOr("STEER_SOURCE_DIR", STEER_E2E_DEFAULT_SOURCE_DIR); }
std::string CorpusDir() { return SourceDir() + "/tests/zones/parity"; }
std::string ZonectlPath() {
  return EnvOr("STEER_BINARY_DIR", STEER_E2E_DEFAULT_BINARY_DIR) + "/tools/zonectl";
}

constexpr char kZoneSuffix[] = ".zone";

// What the corpus says of a file (its first comment lines).
enum class Truth { kAccept, kRefuse, kDisputed };

const char* TruthName(Truth t) {
  switch (t) {
    case Truth::kAccept: return "accept";
    case Truth::kRefuse: return "refuse";
    case Truth::kDisputed: return "either";
  }
  return "?";
}

// "; expect-error: [FILE:]LINE: MESSAGE": FILE defaults to the zone file.
struct ExpectedError {
  std::string file;  // base name
  int line = 0;
  std::string message;  // a substring of the message after "file:line: "
  std::string ToString() const {
    return file + ":" + std::to_string(line) + ": ..." + message + "...";
  }
};

struct CorpusFile {
  std::string name;    // "corner-at-sign.parity.test.zone"
  std::string path;    // absolute
  std::string origin;  // "corner-at-sign.parity.test."
  std::string short_name;  // "corner-at-sign"
  Truth truth = Truth::kAccept;
  std::vector<ExpectedError> errors;
  std::string disputed;          // why, for kDisputed
  std::string no_serve_compare;  // why the served data is not compared
};

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// Reads the header of `f.path` into `f`; false (and why) if malformed.
bool ReadHeader(CorpusFile* f, std::string* why) {
  std::istringstream in(ReadFile(f->path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != ';') break;
    const std::string body = Trim(line.substr(1));
    if (StartsWith(body, "expect-error:")) {
      // "[FILE:]LINE: MESSAGE"
      const std::string rest = Trim(body.substr(13));
      const size_t sep = rest.find(": ");
      if (sep == std::string::npos) {
        *why = f->name + ": bad expect-error line: " + line;
        return false;
      }
      std::string where = rest.substr(0, sep);
      ExpectedError e;
      e.file = f->name;
      const size_t colon = where.rfind(':');
      if (colon != std::string::npos) {
        e.file = where.substr(0, colon);
        where = where.substr(colon + 1);
      }
      e.line = std::atoi(where.c_str());
      e.message = rest.substr(sep + 2);
      if (e.line <= 0 || e.message.empty()) {
        *why = f->name + ": bad expect-error line: " + line;
        return false;
      }
      f->errors.push_back(e);
      f->truth = Truth::kRefuse;
    } else if (StartsWith(body, "disputed:")) {
      f->disputed = Trim(body.substr(9));
      f->truth = Truth::kDisputed;
    } else if (StartsWith(body, "no-serve-compare:")) {
      f->no_serve_compare = Trim(body.substr(17));
    }
  }
  if (!f->errors.empty() && !f->disputed.empty()) {
    *why = f->name + ": both expect-error and disputed";
    return false;
  }
  return true;
}

// Every *.zone file of the corpus, sorted by name.
std::vector<CorpusFile> ReadCorpus(std::string* why) {
  std::vector<CorpusFile> out;
  DIR* d = opendir(CorpusDir().c_str());
  if (d == nullptr) {
    *why = "cannot open " + CorpusDir();
    return out;
  }
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (!EndsWith(name, kZoneSuffix)) continue;
    CorpusFile f;
    f.name = name;
    f.path = CorpusDir() + "/" + name;
    f.origin = name.substr(0, name.size() - (sizeof kZoneSuffix - 1)) + ".";
    f.short_name = name.substr(0, name.find('.'));
    if (!ReadHeader(&f, why)) {
      out.clear();
      break;
    }
    out.push_back(f);
  }
  closedir(d);
  std::sort(out.begin(), out.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  return out;
}

// ---------------------------------------------------------------------------
// Programs.

std::string FindTool(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"}) {
    const std::string p = dir + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

constexpr milliseconds kToolTimeout{20000};

// The outcome of one program on one file.
struct ToolRun {
  bool ran = false;  // absent tool: false
  bool in_time = false;
  bool ok = false;   // exited 0 in time
  std::string output;
  // "accept", "refuse", "timeout" or "-" (not run).
  std::string Verdict() const {
    if (!ran) return "-";
    if (!in_time) return "timeout";
    return ok ? "accept" : "refuse";
  }
};

// Runs `argv` with `dir` as its working folder (relative $INCLUDE paths:
// NSD and BIND resolve them against it, Knot and steerdns against the
// including file's folder; the corpus keeps both the same).
ToolRun RunIn(const std::string& dir, const std::vector<std::string>& argv,
          milliseconds timeout = kToolTimeout) {
  // 128 descriptors: a file that $INCLUDEs itself makes kzonecheck recurse
  // until it has none left (~40 s with the default limit).
  std::vector<std::string> sh = {"/bin/sh", "-c", "ulimit -n 128 && cd \"$0\" && exec \"$@\"",
                                 dir};
  sh.insert(sh.end(), argv.begin(), argv.end());
  ToolRun r;
  r.ran = true;
  const ExitInfo info = RunProgram(sh, timeout, &r.output);
  r.in_time = info.exited_in_time;
  r.ok = info.exited_in_time && info.exited && info.exit_code == 0;
  return r;
}

// The first line of `text` that is not empty, for tables.
std::string FirstLine(const std::string& text, size_t max = 110) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (!line.empty()) return line.size() > max ? line.substr(0, max) + "..." : line;
  }
  return "";
}

// The line of a program's output that says the most about `f`: the first
// one naming the file (or, failing that, "error"), else the first line;
// the corpus folder left out.
std::string Gist(const std::string& output, const CorpusFile& f, size_t max = 110) {
  std::string pick;
  for (const std::string& key : {f.short_name, std::string("error")}) {
    std::istringstream in(output);
    std::string line;
    while (pick.empty() && std::getline(in, line)) {
      if (line.find(key) != std::string::npos) pick = Trim(line);
    }
    if (!pick.empty()) break;
  }
  if (pick.empty()) pick = FirstLine(output, std::string::npos);
  const std::string prefix = CorpusDir() + "/";
  for (size_t at; (at = pick.find(prefix)) != std::string::npos;) pick.erase(at, prefix.size());
  return pick.size() > max ? pick.substr(0, max) + "..." : pick;
}

// The first line of `log` that reports an error in `f` (or in the file it
// includes): "...NAME:LINE: ..." or "...NAME: ...", the corpus folder left
// out; "" if none.
std::string ErrorLine(const std::string& log, const CorpusFile& f) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    for (const std::string& file : {f.name, f.short_name + ".inc"}) {
      const size_t at = line.find(file + ":");
      const size_t after = at + file.size() + 1;
      if (at == std::string::npos || after >= line.size()) continue;
      if (line[after] == ' ' || std::isdigit(static_cast<unsigned char>(line[after]))) {
        return Gist(line, f, 300);
      }
    }
  }
  return "";
}

// Whether `output` has a line reporting `e`: "...FILE:LINE: ...MESSAGE..."
// with FILE at the start of the line or after '/', ' ' or '\''.
bool Reports(const std::string& output, const ExpectedError& e) {
  const std::string where = e.file + ":" + std::to_string(e.line) + ": ";
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    for (size_t at = line.find(where); at != std::string::npos;
         at = line.find(where, at + 1)) {
      if (at > 0 && line[at - 1] != '/' && line[at - 1] != ' ' && line[at - 1] != '\'') {
        continue;
      }
      if (line.find(e.message, at + where.size()) != std::string::npos) return true;
    }
  }
  return false;
}

// steerdns started with one zone: did it refuse to start (exit status,
// log), or answer the zone's SOA? Bounded by ~10 s.
struct Startup {
  bool ran = false;
  bool answered = false;
  bool exited = false;
  int status = 0;  // waitpid status when exited
  std::string log;
  std::string Verdict() const {
    if (!ran) return "-";
    if (answered) return "accept";
    if (exited) return "refuse";
    return "timeout";
  }
};

Startup StartSteerdns(const CorpusFile& f, const std::string& tmp) {
  Startup s;
  s.ran = true;
  const std::string log = tmp + "/startup-" + f.short_name + ".log";
  for (int attempt = 0; attempt < 3; ++attempt) {
    const uint16_t port = PickFreePort();
    const pid_t pid = SpawnWithLog(
        {BinaryPath(), "--listen", "127.0.0.1:" + std::to_string(port), "--control", "off",
         "--threads", "1", "--default-latency", "off", "--zone", f.origin + "=" + f.path},
        log);
    if (pid < 0) break;
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    s = Startup{};
    s.ran = true;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        s.exited = true;
        s.status = status;
        break;
      }
      const Bytes q = MakeQuery(f.origin, LDNS_RR_TYPE_SOA);
      if (UdpExchange(Endpoint::V4(port), q, milliseconds(100)).has_value()) {
        s.answered = true;
        StopProcess(pid);
        break;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    if (!s.exited && !s.answered) StopProcess(pid);
    s.log = ReadFile(log);
    // A port taken between PickFreePort and bind: try another one.
    if (s.exited && s.log.find("in use") != std::string::npos) continue;
    break;
  }
  return s;
}

// Runs `task(i)` for i in [0, n) on `threads` threads.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& task) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) task(i);
    });
  }
  for (std::thread& t : pool) t.join();
}

// Column-aligned text table.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out += Trim(line) + "\n";
  }
  return out;
}

class e2eZoneParity : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    std::string why;
    corpus_ = ReadCorpus(&why);
    ASSERT_TRUE(why.empty()) << why;
    ASSERT_GE(corpus_.size(), 60u) << "the corpus in " << CorpusDir();
    signal(SIGPIPE, SIG_IGN);
  }

  std::vector<CorpusFile> corpus_;
};

// ---------------------------------------------------------------------------

struct FileVerdicts {
  ToolRun zonectl, knot, bind, nsd;
  Startup server;
};

TEST_F(e2eZoneParity, Verdicts) {
  const std::string kzonecheck = FindTool("kzonecheck");
  const std::string named_checkzone = FindTool("named-checkzone");
  const std::string nsd_checkzone = FindTool("nsd-checkzone");
  STEER_REQUIRE(!kzonecheck.empty(), "kzonecheck is not installed (knot-dnssecutils)");
  STEER_REQUIRE(!named_checkzone.empty(), "named-checkzone is not installed (bind9-utils)");
  STEER_REQUIRE(!nsd_checkzone.empty(), "nsd-checkzone is not installed (nsd)");
  const std::string dir = CorpusDir();

  std::vector<FileVerdicts> v(corpus_.size());
  const auto started = std::chrono::steady_clock::now();
  ParallelFor(corpus_.size(), 4, [&](size_t i) {
    const CorpusFile& f = corpus_[i];
    FileVerdicts& r = v[i];
    r.zonectl = RunIn(dir, {ZonectlPath(), "check", "--origin", f.origin, f.path});
    r.knot = RunIn(dir, {kzonecheck, "-o", f.origin, f.path});
    r.bind = RunIn(dir, {named_checkzone, "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail",
                         f.origin, f.path});
    r.nsd = RunIn(dir, {nsd_checkzone, f.origin, f.path});
    // The server's own start-up where refusing is expected or possible;
    // files it should load are started together by the Serving test.
    if (f.truth != Truth::kAccept || !r.zonectl.ok) r.server = StartSteerdns(f, tmp_);
  });
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<std::vector<std::string>> rows = {
      {"FILE", "CORPUS", "ZONECTL", "SERVER", "KZONECHECK", "NAMED-CHECKZONE", "NSD-CHECKZONE"}};
  std::vector<std::vector<std::string>> against_both = {
      {"FILE", "STEERDNS", "KZONECHECK", "NAMED-CHECKZONE", "STEERDNS SAYS"}};
  std::vector<std::pair<std::string, std::vector<std::string>>> failures;  // file, what
  for (size_t i = 0; i < corpus_.size(); ++i) {
    const CorpusFile& f = corpus_[i];
    const FileVerdicts& r = v[i];
    std::vector<std::string> why;
    rows.push_back({f.short_name, TruthName(f.truth), r.zonectl.Verdict(), r.server.Verdict(),
                    r.knot.Verdict(), r.bind.Verdict(), r.nsd.Verdict()});
    const std::string ours = r.zonectl.Verdict();
    // steerdns against both other checkers.
    for (const std::string& mine : {ours, r.server.Verdict()}) {
      if (mine == "-") continue;
      if (mine != r.knot.Verdict() && mine != r.bind.Verdict()) {
        const std::string said = Gist(mine == ours ? r.zonectl.output : r.server.log, f);
        against_both.push_back(
            {f.short_name, mine, r.knot.Verdict(), r.bind.Verdict(), said});
        why.push_back("steerdns says " + mine + ", kzonecheck " + r.knot.Verdict() +
                      ", named-checkzone " + r.bind.Verdict() + "\n      steerdns: " + said +
                      "\n      kzonecheck: " + Gist(r.knot.output, f) +
                      "\n      named-checkzone: " + Gist(r.bind.output, f));
        break;
      }
    }
    if (r.server.ran && r.server.Verdict() != ours) {
      why.push_back("zonectl check says " + ours + " but the server's start-up " +
                    r.server.Verdict() + "\n      zonectl: " + Gist(r.zonectl.output, f) +
                    "\n      server: " + Gist(r.server.log, f));
    }
    if (r.server.exited && !(WIFEXITED(r.server.status) && WEXITSTATUS(r.server.status) == 1)) {
      why.push_back("the server's start-up ended with wait status " +
                    std::to_string(r.server.status) + ", not exit(1)");
    }
    if (f.truth == Truth::kRefuse) {
      if (r.zonectl.ok) why.push_back("zonectl check accepts it: " + Gist(r.zonectl.output, f));
      if (r.server.answered) why.push_back("the server starts with it");
      for (const ExpectedError& e : f.errors) {
        if (!r.zonectl.ok && !Reports(r.zonectl.output, e)) {
          why.push_back("zonectl check does not report " + e.ToString() +
                        "\n      it says: " + Gist(r.zonectl.output, f, 300));
        }
        if (r.server.exited && !Reports(r.server.log, e)) {
          why.push_back("the server's start-up does not report " + e.ToString() +
                        "\n      it says: " + Gist(r.server.log, f, 300));
        }
      }
    } else if (f.truth == Truth::kAccept && !r.zonectl.ok) {
      why.push_back("zonectl check refuses a good file: " + Gist(r.zonectl.output, f, 300));
    }
    if (!why.empty()) failures.emplace_back(f.name, why);
  }

  std::cout << "Verdicts on " << corpus_.size() << " files in " << elapsed << " s ("
            << dir << "):\n"
            << Table(rows) << "\n";
  if (against_both.size() > 1) {
    std::cout << "steerdns disagrees with both kzonecheck and named-checkzone:\n"
              << Table(against_both) << "\n";
  }
  std::string failing;
  for (const auto& [file, why] : failures) {
    std::string text = file + ":";
    for (const std::string& w : why) text += "\n  - " + w;
    ADD_FAILURE() << text;
    failing += " " + file.substr(0, file.find('.'));
  }
  if (!failures.empty()) {
    std::cout << failures.size() << " files fail:" << failing << "\n";
  }
}

// ---------------------------------------------------------------------------

// An owner and type to ask.
struct Question {
  std::string qname;  // presentation form
  uint16_t type = 0;
  bool operator<(const Question& o) const {
    return std::tie(qname, type) < std::tie(o.qname, o.type);
  }
};

struct LdnsRRFree {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};

std::string TypeText(uint16_t type) {
  char* t = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string s = t != nullptr ? t : "TYPE" + std::to_string(type);
  free(t);
  return s;
}

std::string OwnerText(const ldns_rr* rr) {
  char* s = ldns_rdf2str(ldns_rr_owner(rr));
  std::string out = s != nullptr ? s : "";
  free(s);
  return out;
}

// The RRs of a zone's presentation text (`text` read as a whole master
// file by ldns, $ORIGIN `origin`): nullopt and *why if ldns cannot read it.
std::optional<std::vector<std::unique_ptr<ldns_rr, LdnsRRFree>>> ParseZoneText(
    const std::string& text, const std::string& origin, std::string* why) {
  FILE* fp = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  if (fp == nullptr) {
    *why = "fmemopen failed";
    return std::nullopt;
  }
  ldns_rdf* o = ldns_dname_new_frm_str(origin.c_str());
  ldns_zone* z = nullptr;
  int line = 0;
  const ldns_status st = ldns_zone_new_frm_fp_l(&z, fp, o, 3600, LDNS_RR_CLASS_IN, &line);
  fclose(fp);
  ldns_rdf_deep_free(o);
  if (st != LDNS_STATUS_OK) {
    *why = std::string(ldns_get_errorstr_by_id(st)) + " at line " + std::to_string(line);
    return std::nullopt;
  }
  std::vector<std::unique_ptr<ldns_rr, LdnsRRFree>> out;
  if (ldns_zone_soa(z) != nullptr) out.emplace_back(ldns_rr_clone(ldns_zone_soa(z)));
  const ldns_rr_list* rrs = ldns_zone_rrs(z);
  for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); ++i) {
    out.emplace_back(ldns_rr_clone(ldns_rr_list_rr(rrs, i)));
  }
  ldns_zone_deep_free(z);
  return out;
}

// A multiset of RRs by canonical wire (TTL included), with their text.
using RRBag = std::multimap<Bytes, std::string>;

void AddTo(RRBag* bag, const ldns_rr* rr) { bag->emplace(CanonicalWire(rr), RRText(rr)); }
RRBag BagOf(const ldns_rr_list* list) {
  RRBag bag;
  for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
    AddTo(&bag, ldns_rr_list_rr(list, i));
  }
  return bag;
}
// Whether `a` and `b` hold the same RRs (canonical wire, TTL included),
// duplicates counted.
bool SameKeys(const RRBag& a, const RRBag& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](const auto& x, const auto& y) { return x.first == y.first; });
}

// A name in lower-case wire form, as a map key.
Bytes NameKey(const ldns_rdf* name) {
  ldns_rdf* copy = ldns_rdf_clone(name);
  ldns_dname2canonical(copy);
  Bytes out(ldns_rdf_data(copy), ldns_rdf_data(copy) + ldns_rdf_size(copy));
  ldns_rdf_deep_free(copy);
  return out;
}

// Lines of `a` not in `b` and of `b` not in `a`, by canonical wire.
std::string BagDiff(const RRBag& a, const char* a_name, const RRBag& b, const char* b_name) {
  std::string out;
  for (const auto& [wire, text] : a) {
    if (b.count(wire) != a.count(wire) && out.find(text) == std::string::npos) {
      out += std::string("      only ") + a_name + ": " + text + "\n";
    }
  }
  for (const auto& [wire, text] : b) {
    if (a.count(wire) != b.count(wire) && out.find(text) == std::string::npos) {
      out += std::string("      only ") + b_name + ": " + text + "\n";
    }
  }
  return out;
}

// Whether `rr` has owner `qname` (case-insensitive) and type `type`.
bool Is(const ldns_rr* rr, const ldns_rdf* qname, uint16_t type) {
  return ldns_rr_get_type(rr) == type && ldns_dname_compare(ldns_rr_owner(rr), qname) == 0;
}

TEST_F(e2eZoneParity, Serving) {
  STEER_REQUIRE(!NsdProcess::Path().empty(), "NSD is not installed (Debian package nsd)");
  const std::string ldns_read_zone = FindTool("ldns-read-zone");
  const std::string named_checkzone = FindTool("named-checkzone");
  STEER_REQUIRE(!ldns_read_zone.empty(), "ldns-read-zone is not installed (ldnsutils)");
  STEER_REQUIRE(!named_checkzone.empty(), "named-checkzone is not installed (bind9-utils)");
  const std::string dir = CorpusDir();
  const auto started = std::chrono::steady_clock::now();

  std::vector<const CorpusFile*> files;
  for (const CorpusFile& f : corpus_) {
    if (f.truth != Truth::kRefuse) files.push_back(&f);
  }
  std::vector<std::string> failures;
  std::map<std::string, std::string> notes;  // file -> why it was not compared

  // steerdns with every file that should load; a file that stops the
  // start-up is named in the log: reported and left out.
  ServerProcess steerdns;
  std::vector<const CorpusFile*> served = files;
  for (size_t round = 0; round <= files.size(); ++round) {
    ServerOptions o;
    o.control = true;
    o.threads = 1;
    o.extra_args = {"--default-latency", "off"};
    for (const CorpusFile* f : served) o.zones.push_back(f->origin + "=" + f->path);
    o.ready_origin = served.front()->origin;
    const testing::AssertionResult started_ok = steerdns.Start(o);
    if (started_ok) break;
    const std::string log = started_ok.message();
    auto culprit = std::find_if(served.begin(), served.end(), [&](const CorpusFile* f) {
      return !ErrorLine(log, *f).empty();
    });
    ASSERT_NE(culprit, served.end()) << "steerdns did not start, and names no corpus file:\n"
                                     << log;
    const std::string line = ErrorLine(log, **culprit);
    const std::string what = (*culprit)->name + ": the server refuses it: " + line;
    if ((*culprit)->truth == Truth::kAccept) {
      failures.push_back(what);
    } else {
      notes[(*culprit)->name] = "steerdns refuses it (disputed): " + line;
    }
    served.erase(culprit);
    ASSERT_FALSE(served.empty());
  }
  ASSERT_TRUE(steerdns.IsRunning());

  NsdProcess nsd;
  NsdOptions n{.dir = tmp_, .zonesdir = dir};
  for (const CorpusFile* f : served) n.zones.push_back({f->origin, f->path});
  ASSERT_TRUE(nsd.Start(n));

  size_t compared_files = 0, questions = 0;
  std::vector<std::vector<std::string>> rows = {{"FILE", "QUESTIONS", "LISTED BY", "RESULT"}};
  for (const CorpusFile* f : served) {
    // Does NSD serve it? (It logs and skips zones it cannot read.)
    Reply soa;
    const Bytes soa_q = MakeQuery(f->origin, LDNS_RR_TYPE_SOA);
    ASSERT_TRUE(AskTcpRaw(Endpoint::V4(nsd.port()), soa_q, &soa));
    if (soa.rcode() != LDNS_RCODE_NOERROR || CountType(soa.answer(), LDNS_RR_TYPE_SOA) != 1) {
      const std::string line = ErrorLine(nsd.Log(), *f);
      notes[f->name] = "NSD does not load it" + (line.empty() ? "" : ": " + line);
      rows.push_back({f->short_name, "-", "-", "not compared: NSD does not load it"});
      continue;
    }

    // The owners and types to ask: ldns-read-zone's reading of the file
    // (with the origin made explicit), else named-checkzone's.
    std::string listed_by = "ldns-read-zone";
    std::string listing;
    {
      const std::string copy = tmp_ + "/" + f->name;
      WriteFile(copy, "$ORIGIN " + f->origin + "\n" + ReadFile(f->path));
      const ToolRun r = RunIn(dir, {ldns_read_zone, copy});
      if (r.ok) listing = r.output;
    }
    std::string why;
    auto rrs = listing.empty() ? std::nullopt : ParseZoneText(listing, f->origin, &why);
    // ldns keeps the quotes of a quoted owner ("quoted" IN A ...) in its
    // label; NSD and BIND read the name between them: ask BIND's listing.
    if (listing.rfind('"', 0) == 0 || listing.find("\n\"") != std::string::npos) rrs.reset();
    if (!rrs) {
      listed_by = "named-checkzone -D";
      const std::string dump = tmp_ + "/" + f->name + ".dump";
      const ToolRun r = RunIn(dir, {named_checkzone, "-D", "-o", dump, f->origin, f->path});
      if (r.ok) rrs = ParseZoneText(ReadFile(dump), f->origin, &why);
    }
    if (!rrs) {
      failures.push_back(f->name + ": neither ldns-read-zone nor named-checkzone lists it: " + why);
      continue;
    }
    std::set<Question> asked;
    for (const auto& rr : *rrs) {
      asked.insert({OwnerText(rr.get()), static_cast<uint16_t>(ldns_rr_get_type(rr.get()))});
    }

    RRBag nsd_data;
    // Owners and types NSD answers negatively for although the file has
    // them (e.g. NSEC3 owners, RFC 5155 §7.2.8): not in the export check.
    std::set<std::pair<Bytes, uint16_t>> nsd_denies;
    std::string diffs;
    for (const Question& q : asked) {
      ++questions;
      const Bytes query = MakeQuery(q.qname, q.type, QueryOptions{.edns = true});
      Reply ours, ref;
      if (!AskTcpRaw(Endpoint::V4(steerdns.port()), query, &ours)) {
        diffs += "    " + q.qname + " " + TypeText(q.type) + ": no reply from steerdns\n";
        continue;
      }
      if (!AskTcpRaw(Endpoint::V4(nsd.port()), query, &ref)) {
        diffs += "    " + q.qname + " " + TypeText(q.type) + ": no reply from NSD\n";
        continue;
      }
      ldns_rdf* qn = ldns_dname_new_frm_str(q.qname.c_str());
      if (ref.rcode() != LDNS_RCODE_NOERROR) nsd_denies.insert({NameKey(qn), q.type});
      for (ldns_rr_list* section : {ref.answer(), ref.authority(), ref.additional()}) {
        for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
          const ldns_rr* rr = ldns_rr_list_rr(section, i);
          if (Is(rr, qn, q.type)) AddTo(&nsd_data, rr);
        }
      }
      ldns_rdf_deep_free(qn);
      std::string d;
      if (ours.rcode() != ref.rcode()) {
        d += "      rcode: steerdns " + std::to_string(ours.rcode()) + ", NSD " +
             std::to_string(ref.rcode()) + "\n";
      }
      if (ours.aa() != ref.aa()) {
        d += std::string("      AA: steerdns ") + (ours.aa() ? "set" : "clear") + ", NSD " +
             (ref.aa() ? "set" : "clear") + "\n";
      }
      const bool use_authority = ldns_rr_list_rr_count(ref.answer()) == 0 &&
                                 ldns_rr_list_rr_count(ours.answer()) == 0;
      const RRBag a = BagOf(use_authority ? ours.authority() : ours.answer());
      const RRBag b = BagOf(use_authority ? ref.authority() : ref.answer());
      if (!SameKeys(a, b)) {
        d += std::string("      ") + (use_authority ? "authority" : "answer") + ":\n" +
             BagDiff(a, "steerdns", b, "NSD");
      }
      if (!d.empty()) diffs += "    " + q.qname + " " + TypeText(q.type) + ":\n" + d;
    }

    // What steerdns exports for the zone against what NSD served.
    std::string export_diff;
    {
      const ToolRun r = RunIn(dir, {ZonectlPath(), "--server", steerdns.control_url(), "show",
                                f->origin, "--records"});
      std::string ewhy;
      auto exported = r.ok ? ParseZoneText(r.output, f->origin, &ewhy) : std::nullopt;
      if (!exported) {
        export_diff = "    zonectl show --records: " +
                      (r.ok ? "ldns cannot read it: " + ewhy : FirstLine(r.output, 400)) + "\n";
      } else {
        RRBag e;
        for (const auto& rr : *exported) {
          const auto key = std::make_pair(NameKey(ldns_rr_owner(rr.get())),
                                          static_cast<uint16_t>(ldns_rr_get_type(rr.get())));
          if (nsd_denies.count(key) == 0) AddTo(&e, rr.get());
        }
        // Duplicates do not matter here: compare as sets.
        RRBag nsd_set;
        for (const auto& [wire, text] : nsd_data) {
          if (nsd_set.count(wire) == 0) nsd_set.emplace(wire, text);
        }
        if (!SameKeys(e, nsd_set)) {
          export_diff = "    zonectl show --records vs NSD's answers:\n" +
                        BagDiff(e, "exported", nsd_set, "NSD");
        }
      }
    }

    ++compared_files;
    std::string result = "same";
    if (!diffs.empty() || !export_diff.empty()) {
      const std::string text = f->name + " (" + std::to_string(asked.size()) +
                               " questions):\n" + diffs + export_diff;
      if (f->no_serve_compare.empty()) {
        failures.push_back("steerdns and NSD serve " + text);
        result = diffs.empty() ? "DIFFERENT export" : "DIFFERENT";
      } else {
        std::cout << "Served differently (not a failure: " << f->no_serve_compare << ") "
                  << text;
        result = "different (no-serve-compare)";
      }
    }
    rows.push_back({f->short_name, std::to_string(asked.size()), listed_by, result});
  }
  steerdns.Stop();
  nsd.Stop();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::cout << "steerdns vs NSD on " << compared_files << " of " << files.size()
            << " files that should load, " << questions << " questions, in " << elapsed
            << " s:\n"
            << Table(rows) << "\n";
  for (const auto& [file, note] : notes) {
    std::cout << "not compared: " << file << ": " << note << "\n";
  }
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
}

}  // namespace
}  // namespace e2e
