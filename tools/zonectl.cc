// zonectl: operates a running steerdns through its HTTP control API
// (docs/control-api.md), and checks input files offline.
//
// Goal: a thin client. Each command is one or two API requests; its output
// is the API's JSON with --json, else a short human rendering
// (zonectl_format.h). `check` runs the server's own loaders in-process
// (zonectl_check.h), so its errors are the server's.
// Exit status: 0 success; 1 failure, with one line on stderr ("zonectl:
// ..."; `check` prints each bad file's "file:line: message" as it is);
// 2 usage error.
// Non-goals: retries, interactive prompts, output paging.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/ds.h"
#include "dns/dnssec/key_json.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/rollover.h"
#include "dns/wire/name.h"
#include "tools/zonectl_check.h"
#include "tools/zonectl_format.h"
#include "tools/zonectl_http.h"
#include "zones/zone_loader.h"
#include "tools/latency_build_command.h"

namespace zonectl {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

constexpr char kDefaultServer[] = "http://127.0.0.1:8053";
constexpr char kServerEnv[] = "STEERDNS_SERVER";
// Per request: generous for a large zone upload on a busy server.
constexpr int kDefaultTimeoutS = 30;
// `region ... --wait` polls the region list at most this often.
constexpr std::chrono::milliseconds kWaitPoll{1000};

// ---------------------------------------------------------------------------
// Command line.

struct FlagDef {
  const char* name;
  bool takes_value;
};
// Every flag any command knows; which command accepts which is in Command.
constexpr FlagDef kFlagDefs[] = {
    {"server", true},      {"token-file", true}, {"timeout", true},
    {"json", false},       {"help", false},      {"wait", false},
    {"origin", true},      {"change-batch", true}, {"client", true},
    {"subnet", true},      {"records", false},   {"format", true},
    {"zone", true},        {"algorithm", true},  {"ksk", false},
    {"dir", true},         {"dnskey-ttl", true}, {"publish-safety", true},
    {"retire-safety", true}, {"max-zone-ttl", true},
    {"dnssec", false},
};
constexpr const char* kGlobalFlags[] = {"server", "token-file", "timeout", "help"};

struct Parsed {
  std::vector<std::string> words;              // positional arguments
  std::map<std::string, std::string> values;   // --flag VALUE (the last one)
  std::map<std::string, std::vector<std::string>> lists;  // every VALUE, in order
  std::set<std::string> bools;                 // --flag
  std::vector<std::string> given;              // flag names, in order
  bool has(const std::string& f) const { return bools.count(f) || values.count(f); }
  std::string value(const std::string& f) const {
    auto it = values.find(f);
    return it == values.end() ? "" : it->second;
  }
  // A repeatable flag's values.
  std::vector<std::string> list(const std::string& f) const {
    auto it = lists.find(f);
    return it == lists.end() ? std::vector<std::string>() : it->second;
  }
};

class Ctx;
using RunFn = int (*)(Ctx&, const std::vector<std::string>&, const Parsed&);

struct Command {
  const char* name;      // "region drain"
  const char* synopsis;  // after "zonectl "
  const char* summary;   // one line for the command list
  const char* details;   // the rest of --help
  std::vector<std::string> flags;  // besides the global ones
  int min_args;
  int max_args;  // -1: no limit
  RunFn run;
};

// Prints "zonectl: message" on stderr; returns kExitFail.
int Fail(const std::string& message) {
  std::cerr << "zonectl: " << message << "\n";
  return kExitFail;
}

// Prints a usage error (one line); returns kExitUsage.
int UsageError(const std::string& message, const std::string& command) {
  std::cerr << "zonectl: " << message << " (see 'zonectl "
            << (command.empty() ? "" : command + " ") << "--help')\n";
  return kExitUsage;
}

// ---------------------------------------------------------------------------
// Context: where the server is, and the API client.

class Ctx {
 public:
  Ctx(std::string server, std::string token_file, int timeout_s)
      : server_(std::move(server)),
        token_file_(std::move(token_file)),
        timeout_s_(timeout_s) {}

  // The API client, or nullptr after printing why not.
  ApiClient* api() {
    if (api_.has_value()) return &*api_;
    std::string token;
    if (!token_file_.empty()) {
      absl::StatusOr<std::string> t = ReadTokenFile(token_file_);
      if (!t.ok()) {
        Fail(std::string(t.status().message()));
        return nullptr;
      }
      token = *t;
    }
    absl::StatusOr<ApiClient> c = ApiClient::Create(server_, token, timeout_s_);
    if (!c.ok()) {
      Fail(std::string(c.status().message()));
      return nullptr;
    }
    api_.emplace(*std::move(c));
    return &*api_;
  }

 private:
  std::string server_;
  std::string token_file_;
  int timeout_s_;
  std::optional<ApiClient> api_;
};

// Reads a whole file; nullopt after printing why not.
std::optional<std::string> ReadInput(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Fail(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    Fail(absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
    return std::nullopt;
  }
  return ss.str();
}

// Prints the API's JSON (--json) or `human`; exit status.
int Print(const Parsed& p, const ApiResponse& r, const std::string& human) {
  if (p.has("json")) {
    if (!r.is_json) return Fail("the server's reply is not JSON");
    std::cout << r.json.dump(2) << "\n";
  } else {
    std::cout << human;
  }
  return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
}

// One request: the response, or nullopt after printing the error.
template <typename Fn>
std::optional<ApiResponse> Call(Ctx& ctx, Fn fn) {
  ApiClient* api = ctx.api();
  if (api == nullptr) return std::nullopt;
  ApiResponse r = fn(*api);
  if (!r.ok()) {
    Fail(r.error);
    return std::nullopt;
  }
  return r;
}

std::string ZonePath(const std::string& origin) {
  return "/v1/zones/" + UrlEncode(origin);
}

// "example.com.: serial 1, 30 records, 13 routed record sets, managed by api"
std::string ZoneLine(const Json& z) {
  return absl::StrCat(Field(z, "origin"), ": serial ", Field(z, "serial"), ", ",
                      Field(z, "records"), " records, ",
                      Field(z, "routed_record_sets"), " routed record sets, managed by ",
                      Field(z, "managed_by"), "\n");
}

// ---------------------------------------------------------------------------
// Commands.

int RunCheck(Ctx&, const std::vector<std::string>& files, const Parsed& p) {
  std::vector<ZoneArg> zones;
  for (const std::string& z : p.list("zone")) {
    ZoneArg arg;
    if (std::string problem = ParseZoneArg(z, &arg); !problem.empty())
      return UsageError("--zone: " + problem, "check");
    zones.push_back(std::move(arg));
  }
  if (files.empty() && zones.empty()) return UsageError("no files to check", "check");
  const CheckOutput out = Check(files, zones, p.value("origin"));
  for (const std::string& line : out.ok) std::cout << line << "\n";
  for (const std::string& w : out.warnings) std::cerr << w << "\n";
  for (const std::string& e : out.errors) std::cerr << e << "\n";
  return out.errors.empty() ? kExitOk : kExitFail;
}

int RunLoad(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  const std::string& origin = args[0];
  Json body = {{"files", Json::array()}};
  for (size_t i = 1; i < args.size(); ++i) {
    std::optional<std::string> content = ReadInput(args[i]);
    if (!content) return kExitFail;
    body["files"].push_back(
        {{"name", args[i]},
         {"format", zones::IsRoute53JsonPath(args[i]) || zones::LooksLikeRoute53Json(*content)
                        ? "route53"
                        : "master"},
         {"content", *content}});
  }
  std::string text;
  try {
    text = body.dump();
  } catch (const Json::exception& e) {
    return Fail(absl::StrCat("cannot send the files: ", e.what()));
  }
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Put(ZonePath(origin), text, "application/json");
  });
  if (!r) return kExitFail;
  return Print(p, *r, "loaded " + ZoneLine(r->json));
}

int RunUnload(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Delete(ZonePath(args[0])); });
  if (!r) return kExitFail;
  return Print(p, *r, absl::StrCat("unloaded ", Field(r->json, "unloaded"), "\n"));
}

int RunList(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/zones"); });
  if (!r) return kExitFail;
  return Print(p, *r, RenderZones(r->json));
}

// `show ORIGIN --records`: the zone's data as the API exports it (GET
// /v1/zones/ORIGIN/records?format=...), printed as it comes.
int RunShowRecords(Ctx& ctx, const std::string& origin, const Parsed& p) {
  std::string format = p.has("format") ? p.value("format") : "";
  if (format.empty()) format = p.has("json") ? "route53" : "zone";
  if (format != "zone" && format != "route53") {
    return UsageError("--format is zone or route53, not '" + format + "'", "show");
  }
  if (p.has("json") && format != "route53") {
    return UsageError("--records --json prints Route 53 JSON: drop --json or use --format route53",
                      "show");
  }
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Get(ZonePath(origin) + "/records?format=" + format +
                   (p.has("dnssec") ? "&dnssec=1" : ""));
  });
  if (!r) return kExitFail;
  std::cout << r->body;
  return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
}

int RunShow(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  if (p.has("records")) return RunShowRecords(ctx, args[0], p);
  if (p.has("format")) return UsageError("--format goes with --records", "show");
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get(ZonePath(args[0])); });
  if (!r) return kExitFail;
  return Print(p, *r, RenderZone(r->json));
}

int RunZoneFollowFile(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Post(ZonePath(args[0]) + "/follow-file", "", "application/json");
  });
  if (!r) return kExitFail;
  return Print(p, *r,
               absl::StrCat(Field(r->json, "origin"), " follows ", Follows(r->json),
                            " again: serial ", Field(r->json, "serial"), ", ",
                            Field(r->json, "records"), " records\n"));
}

int RunChange(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  if (!p.has("change-batch")) {
    return UsageError("change needs --change-batch file://FILE", "change");
  }
  std::string spec = p.value("change-batch");
  std::string batch;
  if (absl::StartsWith(spec, "file://")) {
    std::optional<std::string> content = ReadInput(spec.substr(7));
    if (!content) return kExitFail;
    batch = *content;
  } else if (!spec.empty() && (spec[0] == '{' || spec[0] == '[')) {
    batch = spec;  // inline JSON, as the AWS CLI allows
  } else {
    std::optional<std::string> content = ReadInput(spec);
    if (!content) return kExitFail;
    batch = *content;
  }
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Post(ZonePath(args[0]) + "/changes", batch, "application/json");
  });
  if (!r) return kExitFail;
  const Json info = r->json.is_object() && r->json.contains("ChangeInfo")
                        ? r->json["ChangeInfo"]
                        : Json();
  return Print(p, *r,
               absl::StrCat("change ", Field(info, "Id"), ": ", Field(info, "Status"),
                            ", submitted at ", Field(info, "SubmittedAt"), "\n"));
}

int RunLatencyLoad(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  std::optional<std::string> csv = ReadInput(args[0]);
  if (!csv) return kExitFail;
  ApiClient* api = ctx.api();
  if (api == nullptr) return kExitFail;
  const ApiResponse r = api->Put("/v1/latency", *csv, "text/csv");
  if (!r.ok()) {
    // The API names the uploaded text "latency.csv"; name the user's file.
    const std::string upload_name = "latency.csv:";
    std::string error = r.error;
    if (error.rfind(upload_name, 0) == 0) {
      error = args[0] + ":" + error.substr(upload_name.size());
    }
    return Fail(error);
  }
  return Print(p, r,
               absl::StrCat("latency table loaded: ", Field(r.json, "networks"),
                            " networks, ", Field(r.json, "regions"), " regions, ",
                            Field(r.json, "rankings"), " distinct rankings\n"));
}

int RunLatencyShow(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/latency"); });
  if (!r) return kExitFail;
  const bool none = r->json.is_object() && r->json.value("networks", 0) == 0 &&
                    !r->json.value("source", Json()).is_string();
  if (none) return Print(p, *r, "no latency table loaded\n");
  return Print(p, *r,
               absl::StrCat("latency table (from ", Field(r->json, "source"), "): ",
                            Field(r->json, "networks"), " networks, ",
                            Field(r->json, "regions"), " regions, ",
                            Field(r->json, "rankings"), " distinct rankings\n"));
}

int RunRegionList(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/regions"); });
  if (!r) return kExitFail;
  return Print(p, *r, RenderRegions(r->json));
}

// Polls the region list until now >= the region's safe_to_stop_at; the
// final region object, or nullopt after printing why not.
std::optional<Json> WaitSafeToStop(Ctx& ctx, const std::string& name,
                                   const std::string& state, bool human) {
  bool announced = false;
  for (;;) {
    auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/regions"); });
    if (!r) return std::nullopt;
    const Json* region = nullptr;
    if (r->json.is_object() && r->json.contains("regions") && r->json["regions"].is_array()) {
      for (const Json& x : r->json["regions"]) {
        if (x.is_object() && x.value("name", "") == name) region = &x;
      }
    }
    if (region == nullptr) {
      Fail(absl::StrCat("region ", name, " is no longer listed by the server"));
      return std::nullopt;
    }
    const std::string now_state = region->value("state", "");
    if (now_state != state) {
      Fail(absl::StrCat("region ", name, " changed to '", now_state,
                        "' while waiting for it to be safe to stop"));
      return std::nullopt;
    }
    const Json safe_json = region->value("safe_to_stop_at", Json());
    if (!safe_json.is_string()) {
      Fail(absl::StrCat("the server reports no safe_to_stop_at for ", state,
                        " region ", name));
      return std::nullopt;
    }
    std::optional<SysTime> safe = ParseRfc3339(safe_json.get<std::string>());
    if (!safe) {
      Fail(absl::StrCat("safe_to_stop_at '", safe_json.get<std::string>(),
                        "' is not an RFC 3339 time"));
      return std::nullopt;
    }
    const SysTime now = std::chrono::system_clock::now();
    if (now >= *safe) return *region;
    if (human && !announced) {
      std::cout << "waiting until " << safe_json.get<std::string>() << " ("
                << FormatDuration(std::chrono::ceil<std::chrono::seconds>(*safe - now).count())
                << ")\n"
                << std::flush;
      announced = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*safe - now) +
                std::chrono::milliseconds(5);
    std::this_thread::sleep_for(std::min(left, kWaitPoll));
  }
}

int RunRegionSet(Ctx& ctx, const std::string& state, const std::vector<std::string>& args,
                 const Parsed& p) {
  const std::string& name = args[0];
  const std::string body = Json{{"state", state}}.dump();
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Post("/v1/regions/" + UrlEncode(name), body, "application/json");
  });
  if (!r) return kExitFail;
  const bool wait = p.has("wait") && state != "up";
  if (!wait) return Print(p, *r, RenderRegion(r->json));
  const bool human = !p.has("json");
  if (human) std::cout << RenderRegion(r->json) << std::flush;
  std::optional<Json> final_region = WaitSafeToStop(ctx, name, state, human);
  if (!final_region) return kExitFail;
  if (!human) {
    std::cout << final_region->dump(2) << "\n";
  } else {
    std::cout << name << ": safe to stop now (safe_to_stop_at "
              << Field(*final_region, "safe_to_stop_at") << ")\n";
  }
  return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
}

int RunRegionUp(Ctx& c, const std::vector<std::string>& a, const Parsed& p) {
  return RunRegionSet(c, "up", a, p);
}
int RunRegionDown(Ctx& c, const std::vector<std::string>& a, const Parsed& p) {
  return RunRegionSet(c, "down", a, p);
}
int RunRegionDrain(Ctx& c, const std::vector<std::string>& a, const Parsed& p) {
  return RunRegionSet(c, "drain", a, p);
}

int RunExplain(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  if (!p.has("client")) return UsageError("explain needs --client ADDR", "explain");
  std::string path = absl::StrCat("/v1/explain?name=", UrlEncode(args[0]),
                                  "&type=", UrlEncode(args[1]),
                                  "&client=", UrlEncode(p.value("client")));
  if (p.has("subnet")) absl::StrAppend(&path, "&subnet=", UrlEncode(p.value("subnet")));
  if (p.has("dnssec")) absl::StrAppend(&path, "&dnssec=1");
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get(path); });
  if (!r) return kExitFail;
  return Print(p, *r, RenderExplain(r->json));
}

int RunStats(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/status"); });
  if (!r) return kExitFail;
  if (p.has("json")) return Print(p, *r, "");
  ApiResponse m = ctx.api()->Get("/metrics");
  return Print(p, *r, RenderStatus(r->json, m.body, m.ok() ? "" : m.error));
}

// `health [--json]` lists the checks; `health load FILE` replaces them.
int RunHealth(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  const bool load = !args.empty() && args[0] == "load";
  if (!(args.empty() || (args.size() == 1 && args[0] == "list") ||
        (load && args.size() == 2))) {
    return UsageError("usage: zonectl health [--json] | zonectl health load FILE [--json]",
                      "health");
  }
  if (load) {
    std::optional<std::string> text = ReadInput(args[1]);
    if (!text) return kExitFail;
    ApiClient* api = ctx.api();
    if (api == nullptr) return kExitFail;
    const ApiResponse r = api->Put("/v1/health-checks", *text, "application/json");
    // The API names the uploaded text "health-checks.json"; name the file.
    const std::string upload_name = "health-checks.json:";
    if (!r.ok()) {
      std::string error = r.error;
      if (error.rfind(upload_name, 0) == 0) {
        error = args[1] + ":" + error.substr(upload_name.size());
      }
      return Fail(error);
    }
    std::string out = absl::StrCat("health checks loaded: ", Field(r.json, "checks"),
                                   " checks\n");
    const Json warnings = r.json.is_object() ? r.json.value("warnings", Json()) : Json();
    if (warnings.is_array()) {
      for (const Json& w : warnings) {
        std::string line = w.is_string() ? w.get<std::string>() : w.dump();
        if (line.rfind(upload_name, 0) == 0) {
          line = args[1] + ":" + line.substr(upload_name.size());
        }
        std::cerr << "warning: " << line << "\n";
      }
    }
    return Print(p, r, out);
  }
  ApiClient* api = ctx.api();
  if (api == nullptr) return kExitFail;
  ApiResponse r = api->Get("/v1/health-checks");
  if (r.status == 404) {
    return Fail("health checks are not supported by this server "
                "(GET /v1/health-checks: HTTP 404)");
  }
  if (!r.ok()) return Fail(r.error);
  return Print(p, r, RenderHealthChecks(r.json));
}

// ---------------------------------------------------------------------------
// dnssec: key files, offline (dns/dnssec/keys.h).

// The zone of a command line, as a wire name; "" after printing why not.
std::string ZoneArgument(const std::string& text, const std::string& command) {
  std::string wire;
  if (text.empty() || !dns::NameFromText(text, &wire)) {
    UsageError("'" + text + "' is not a zone name", command);
    return "";
  }
  return wire;
}

int RunDnssecKeygen(Ctx&, const std::vector<std::string>& args, const Parsed& p) {
  const std::string zone = ZoneArgument(args[0], "dnssec keygen");
  if (zone.empty()) return kExitUsage;
  const std::string alg_name = p.has("algorithm") ? p.value("algorithm") : "ecdsap256";
  const uint8_t alg = dns::dnssec::AlgorithmFromName(alg_name);
  if (alg != dns::dnssec::algorithm::kEcdsaP256Sha256 && alg != dns::dnssec::algorithm::kEd25519) {
    return UsageError("--algorithm is ecdsap256 or ed25519, not '" + alg_name + "'",
                      "dnssec keygen");
  }
  const std::string dir = p.has("dir") ? p.value("dir") : ".";
  // A key tag already used in the folder is a collision (RFC 4034 App. B
  // tags are not unique): make another key.
  for (int attempt = 0; attempt < 8; ++attempt) {
    absl::StatusOr<dns::dnssec::KeyPair> pair =
        dns::dnssec::GenerateKeyPair(zone, alg, p.has("ksk"), std::time(nullptr));
    if (!pair.ok()) return Fail(std::string(pair.status().message()));
    absl::Status s = dns::dnssec::WriteKeyPair(dir, &*pair);
    if (s.code() == absl::StatusCode::kAlreadyExists) continue;
    if (!s.ok()) return Fail(std::string(s.message()));
    // The base name, as dnssec-keygen prints it.
    std::cout << dns::dnssec::KeyFileBaseName(pair->zone, alg, pair->key_tag) << "\n";
    return kExitOk;
  }
  return Fail("no free key tag after 8 keys: is " + dir + " full of keys?");
}

int RunDnssecDs(Ctx&, const std::vector<std::string>& args, const Parsed& p) {
  const std::string zone = ZoneArgument(args[0], "dnssec ds");
  if (zone.empty()) return kExitUsage;
  const std::string dir = p.has("dir") ? p.value("dir") : ".";
  absl::StatusOr<dns::dnssec::KeysByZone> keys = dns::dnssec::LoadKeyDirectory(dir);
  if (!keys.ok()) {
    // Each bad file on a line of its own, as `check` prints file errors.
    std::cerr << keys.status().message() << "\n";
    return kExitFail;
  }
  auto it = keys->find(zone);
  if (it == keys->end()) return Fail("no keys of " + dns::NameToText(zone) + " in " + dir);
  for (const dns::dnssec::KeyPair* k : dns::dnssec::SecureEntryPoints(it->second)) {
    absl::StatusOr<std::string> ds = dns::dnssec::DsRdata(
        k->zone, k->dnskey.Rdata(), dns::dnssec::digest_type::kSha256);
    if (!ds.ok()) return Fail(std::string(ds.status().message()));
    std::cout << dns::dnssec::DsText(k->zone, *ds) << "\n";
  }
  return kExitOk;
}

// The key files of `dir` in GET /v1/dnssec's shape (without what only the
// server knows: which zones it serves, when it loaded them), at `now`.
Json OfflineDnssecJson(const std::string& dir, const dns::dnssec::KeysByZone& keys, int64_t now) {
  Json zones = Json::array();
  size_t total = 0;
  for (const auto& [wire, list] : keys) {
    total += list.size();
    zones.push_back(dns::dnssec::ZoneKeysJson(wire, list, now));
  }
  return Json{{"source", dir},
              {"now", dns::dnssec::KeyTimeJson(now)},
              {"key_count", total},
              {"zones", zones}};
}

// The human form of GET /v1/dnssec (or its offline twin):
//   keys from /etc/keys, loaded 2026-12-07T20:10:00Z: 3 keys
//   example.com. (served)
//     next event: 2026-12-08T00:50:00Z  ZSK 23456 becomes active, ZSK 34567 becomes retired
//     KSK  tag 12345  ECDSAP256SHA256 (13)  flags 257  active  created 2026-...  Kexample.com.+013+12345.key
//     ZSK  tag 23456  ECDSAP256SHA256 (13)  flags 256  published (active at 2026-12-08T00:50:00Z)  ...
std::string RenderDnssec(const Json& j) {
  const Json source = j.value("source", Json());
  if (!source.is_string()) return "no DNSSEC keys (the server runs without --dnssec-keys)\n";
  std::string out = absl::StrCat("keys from ", source.get<std::string>());
  const Json loaded = j.value("loaded_at", Json());
  if (loaded.is_string()) absl::StrAppend(&out, ", loaded ", loaded.get<std::string>());
  absl::StrAppend(&out, ": ", Field(j, "key_count"), " keys\n");
  for (const Json& z : j.value("zones", Json::array())) {
    absl::StrAppend(&out, Field(z, "zone"));
    const Json served = z.value("served", Json());
    if (served.is_boolean()) absl::StrAppend(&out, served.get<bool>() ? " (served)" : " (not served)");
    absl::StrAppend(&out, "\n");
    // "  signed online 2026-12-07T23:00:00Z: 31 signatures (ZSK 16232, KSK
    //  19104), valid until 2026-12-22T..., next signing 2026-12-14T..."
    const Json signing = z.value("signing", Json());
    if (signing.is_object()) {
      absl::StrAppend(&out, "  signed ", Field(signing, "mode"), " ", Field(signing, "signed_at"),
                      ": ", Field(signing, "signatures"), " signatures (ZSK ",
                      Field(signing, "zsk_tags"), ", KSK ", Field(signing, "ksk_tags"),
                      "), valid until ", Field(signing, "expiration"), ", next signing ",
                      Field(signing, "next_signing"), "\n");
    }
    const Json next = z.value("next_event", Json());
    if (next.is_object()) {
      absl::StrAppend(&out, "  next event: ", Field(next, "at"));
      const char* sep = "  ";
      for (const Json& c : next.value("keys", Json::array())) {
        absl::StrAppend(&out, sep, Field(c, "role"), " ", Field(c, "key_tag"), " becomes ",
                        Field(c, "state"));
        sep = ", ";
      }
      absl::StrAppend(&out, "\n");
    }
    for (const Json& k : z.value("keys", Json::array())) {
      absl::StrAppend(&out, "  ", Field(k, "role"), "  tag ", Field(k, "key_tag"), "  ",
                      Field(k, "algorithm_name"), " (", Field(k, "algorithm"), ")  flags ",
                      Field(k, "flags"));
      const Json state = k.value("state", Json());
      if (state.is_string()) {
        absl::StrAppend(&out, "  ", state.get<std::string>());
        const Json next_state = k.value("next_state", Json());
        if (next_state.is_string()) {
          absl::StrAppend(&out, " (", next_state.get<std::string>(), " at ",
                          Field(k, "next_event"), ")");
        }
      }
      for (const char* t : {"created", "publish", "activate", "inactive", "delete"}) {
        const Json v = k.value(t, Json());
        if (v.is_string()) absl::StrAppend(&out, "  ", t, " ", v.get<std::string>());
      }
      absl::StrAppend(&out, "  ", Field(k, "key_file"), "\n");
    }
  }
  return out;
}

int RunDnssecStatus(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  if (p.has("server")) {
    if (p.has("dir")) return UsageError("--dir and --server exclude each other", "dnssec status");
    auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/dnssec"); });
    if (!r) return kExitFail;
    return Print(p, *r, RenderDnssec(r->json));
  }
  const std::string dir = p.has("dir") ? p.value("dir") : ".";
  absl::StatusOr<dns::dnssec::KeysByZone> keys = dns::dnssec::LoadKeyDirectory(dir);
  if (!keys.ok()) {
    std::cerr << keys.status().message() << "\n";
    return kExitFail;
  }
  const Json j = OfflineDnssecJson(dir, *keys, std::time(nullptr));
  std::cout << (p.has("json") ? j.dump(2) + "\n" : RenderDnssec(j));
  return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
}

// "3600", "3600s", "90m", "1h", "2d", "1w" -> seconds; false otherwise.
bool ParseDuration(const std::string& text, int64_t* seconds) {
  if (text.empty()) return false;
  int64_t unit = 1;
  std::string digits = text;
  switch (absl::ascii_tolower(static_cast<unsigned char>(text.back()))) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: unit = 0;
  }
  if (unit != 0) digits.pop_back();
  if (unit == 0) unit = 1;
  int64_t n = 0;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
      !absl::SimpleAtoi(digits, &n) || n > (int64_t{1} << 40) / unit) {
    return false;
  }
  *seconds = n * unit;
  return true;
}

// "ZSK 12345 (Kexample.com.+013+12345)".
std::string KeyName(const dns::dnssec::KeyPair& k) {
  return absl::StrCat(dns::dnssec::KeyRoleName(k.role), " ", k.key_tag, " (",
                      dns::dnssec::KeyFileBaseName(k.zone, k.dnskey.algorithm, k.key_tag), ")");
}

// Removes a key pair's two files (undoing a roll that could not finish).
void RemoveKeyFiles(const dns::dnssec::KeyPair& k) {
  std::remove(k.key_path.c_str());
  std::remove(k.private_path.c_str());
}

int RunDnssecRoll(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  const std::string command = "dnssec roll";
  const std::string zone = ZoneArgument(args[0], command);
  if (zone.empty()) return kExitUsage;
  dns::dnssec::ZskRollDurations d;
  const std::pair<const char*, int64_t*> kDurations[] = {
      {"dnskey-ttl", &d.dnskey_ttl}, {"publish-safety", &d.publish_safety},
      {"retire-safety", &d.retire_safety}, {"max-zone-ttl", &d.max_zone_ttl}};
  bool ttl_given = false;
  for (const auto& [flag, slot] : kDurations) {
    if (!p.has(flag)) continue;
    if (!ParseDuration(p.value(flag), slot)) {
      return UsageError(absl::StrCat("--", flag, " is a duration (3600, 3600s, 60m, 1h, 1d, 1w), not '",
                                     p.value(flag), "'"),
                        command);
    }
    ttl_given |= std::string(flag) == "dnskey-ttl";
  }
  uint8_t alg = 0;
  if (p.has("algorithm")) {
    alg = dns::dnssec::AlgorithmFromName(p.value("algorithm"));
    if (alg != dns::dnssec::algorithm::kEcdsaP256Sha256 && alg != dns::dnssec::algorithm::kEd25519) {
      return UsageError("--algorithm is ecdsap256 or ed25519, not '" + p.value("algorithm") + "'",
                        command);
    }
  }
  // The folder: --dir; with --server and no --dir, the server's own
  // --dnssec-keys folder (zonectl on the server's host); else ".".
  std::string dir = p.has("dir") ? p.value("dir") : ".";
  if (p.has("server") && !p.has("dir")) {
    auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/dnssec"); });
    if (!r) return kExitFail;
    const Json source = r->json.is_object() ? r->json.value("source", Json()) : Json();
    if (!source.is_string()) {
      return Fail("the server at " + p.value("server") +
                  " runs without --dnssec-keys: no key folder to roll keys in");
    }
    dir = source.get<std::string>();
  }
  absl::StatusOr<dns::dnssec::KeysByZone> all = dns::dnssec::LoadKeyDirectory(dir);
  if (!all.ok()) {
    std::cerr << all.status().message() << "\n";
    return kExitFail;
  }
  auto it = all->find(zone);
  if (it == all->end()) return Fail("no keys of " + dns::NameToText(zone) + " in " + dir);
  const std::vector<dns::dnssec::KeyPair>& keys = it->second;
  // The DNSKEY TTL: the key files' when they give one, else the default.
  if (!ttl_given) {
    int64_t largest = -1;
    for (const dns::dnssec::KeyPair& k : keys) {
      if (k.dnskey.has_ttl) largest = std::max<int64_t>(largest, k.dnskey.ttl);
    }
    if (largest >= 0) d.dnskey_ttl = largest;
  }
  const int64_t now = std::time(nullptr);
  absl::StatusOr<dns::dnssec::ZskRollPlan> plan = dns::dnssec::PlanZskRollover(keys, now, d, alg);
  if (!plan.ok()) return Fail(std::string(plan.status().message()));

  // 1. The new ZSK (a key tag no key of the zone has).
  std::optional<dns::dnssec::KeyPair> fresh;
  for (int attempt = 0; attempt < 8 && !fresh; ++attempt) {
    absl::StatusOr<dns::dnssec::KeyPair> pair =
        dns::dnssec::GenerateKeyPair(zone, plan->algorithm, /*ksk=*/false, now);
    if (!pair.ok()) return Fail(std::string(pair.status().message()));
    if (std::any_of(keys.begin(), keys.end(),
                    [&](const dns::dnssec::KeyPair& k) { return k.key_tag == pair->key_tag; })) {
      continue;
    }
    pair->timing = plan->new_key;
    pair->role = dns::dnssec::KeyRole::kZsk;
    // The TTL its predecessor's .key gives, if any.
    const dns::dnssec::Dnskey& was = keys[plan->retiring[0].index].dnskey;
    pair->dnskey.ttl = was.ttl;
    pair->dnskey.has_ttl = was.has_ttl;
    absl::Status s = dns::dnssec::WriteKeyPair(dir, &*pair);
    if (s.code() == absl::StatusCode::kAlreadyExists) continue;
    if (!s.ok()) return Fail(std::string(s.message()));
    fresh = *std::move(pair);
  }
  if (!fresh) return Fail("no free key tag after 8 keys: is " + dir + " full of keys?");
  // 2. The old ZSKs retire when it becomes active. On an error the new key
  // and the timing already rewritten are undone: nothing changes.
  std::vector<const dns::dnssec::KeyPair*> rewritten;
  for (const dns::dnssec::RetiringKey& r : plan->retiring) {
    dns::dnssec::KeyPair old = keys[r.index];
    old.timing = r.timing;
    absl::Status s = dns::dnssec::RewriteKeyTiming(old);
    if (!s.ok()) {
      for (const dns::dnssec::KeyPair* k : rewritten) (void)dns::dnssec::RewriteKeyTiming(*k);
      RemoveKeyFiles(*fresh);
      return Fail(std::string(s.message()) + " (the roll is undone: nothing changed)");
    }
    rewritten.push_back(&keys[r.index]);
  }

  // 3. What happens when.
  using dns::dnssec::KeyTimeText;
  std::string retiring_names;
  for (const dns::dnssec::RetiringKey& r : plan->retiring) {
    absl::StrAppend(&retiring_names, retiring_names.empty() ? "" : ", ", "ZSK ",
                    keys[r.index].key_tag);
  }
  char buf[16];
  std::cout << "ZSK rollover of " << dns::NameToText(zone) << " (RFC 7583 pre-publication; "
            << "DNSKEY TTL " << d.dnskey_ttl << " s, publish safety " << d.publish_safety
            << " s, max zone TTL " << d.max_zone_ttl << " s, retire safety " << d.retire_safety
            << " s)\n"
            << "new " << KeyName(*fresh) << ", "
            << dns::dnssec::AlgorithmMnemonic(plan->algorithm, buf) << ", written to " << dir
            << "\n"
            << "  " << KeyTimeText(plan->publish) << "  publish   ZSK " << fresh->key_tag
            << " joins the DNSKEY RRset (not signing yet)\n"
            << "  " << KeyTimeText(plan->activate) << "  activate  ZSK " << fresh->key_tag
            << " signs; " << retiring_names << " retired (no longer signs, still published)\n"
            << "  " << KeyTimeText(plan->remove) << "  delete    " << retiring_names
            << " leaves the DNSKEY RRset; the roll is complete\n";

  // 4. The server reloads the folder now (else: on SIGHUP).
  if (!p.has("server")) {
    std::cout << "a server with --dnssec-keys " << dir
              << " follows this schedule once it has reloaded the folder (SIGHUP, or "
                 "`zonectl dnssec reload --server URL`)\n";
    return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
  }
  ApiClient* api = ctx.api();
  if (api == nullptr) return kExitFail;
  ApiResponse r = api->Post("/v1/dnssec/reload", "", "application/json");
  if (!r.ok()) {
    const Json e = r.json.is_object() ? r.json.value("error", Json()) : Json();
    std::cerr << "zonectl: the key files are written, but the server did not reload them: "
              << (e.is_string() ? e.get<std::string>() : r.error) << "\n";
    return kExitFail;
  }
  std::cout << "server " << api->url() << " reloaded " << dir << ": " << Field(r.json, "key_count")
            << " keys\n";
  return std::cout.good() ? kExitOk : Fail("cannot write to standard output");
}

// `dnssec reload`: POST /v1/dnssec/reload.
int RunTransferStatus(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) { return api.Get("/v1/transfers"); });
  if (!r) return kExitFail;
  return Print(p, *r, RenderTransfers(r->json));
}

int RunTransferRetransfer(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Post("/v1/transfers/" + args[0] + "/retransfer", "", "application/json");
  });
  if (!r) return kExitFail;
  return Print(p, *r, absl::StrCat("retransfer of ", args[0], " requested: ",
                                   Field(r->json, "state"), "\n"));
}

int RunNotify(Ctx& ctx, const std::vector<std::string>& args, const Parsed& p) {
  auto r = Call(ctx, [&](ApiClient& api) {
    return api.Post("/v1/zones/" + args[0] + "/notify", "", "application/json");
  });
  if (!r) return kExitFail;
  std::string text = absl::StrCat("NOTIFY for ", args[0], " serial ", Field(r->json, "serial"),
                                  " sent to ", Field(r->json, "targets"), "\n");
  return Print(p, *r, text);
}

int RunDnssecReload(Ctx& ctx, const std::vector<std::string>&, const Parsed& p) {
  ApiClient* api = ctx.api();
  if (api == nullptr) return kExitFail;
  ApiResponse r = api->Post("/v1/dnssec/reload", "", "application/json");
  if (!r.ok()) {
    const Json e = r.json.is_object() ? r.json.value("error", Json()) : Json();
    // Each bad key file on a line of its own.
    std::cerr << "zonectl: " << (e.is_string() ? e.get<std::string>() : r.error) << "\n";
    return kExitFail;
  }
  return Print(p, r, RenderDnssec(r.json));
}

// ---------------------------------------------------------------------------
// The command table and help.

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"check", "check [--zone ORIGIN=PATH]... [--origin ORIGIN] [FILE]...",
       "validate files offline, together, as the server would load them",
       "Loads and checks the files with the server's own loaders and checks; needs no\n"
       "server. Zones are given as the server takes them, or as files:\n"
       "  --zone ORIGIN=PATH  repeatable; the files of one origin make one zone (*.json\n"
       "                      Route 53 record sets, else a master file), exactly as\n"
       "                      steerdns --zone\n"
       "  *.json              Route 53 record sets ({\"ResourceRecordSets\": [...]}): with\n"
       "                      an SOA a zone of its own; without, they join the zone\n"
       "                      among the files that holds their names (a zone needs\n"
       "                      its SOA)\n"
       "  other               an RFC 1035 master file; its origin is its $ORIGIN or SOA\n"
       "                      owner (or --origin)\n"
       "The other files, by kind:\n"
       "  *.json  health checks ({\"HealthChecks\": [...]}) or a change batch\n"
       "          ({\"Changes\": [...]})\n"
       "  *.csv   latency table (header network,region,rtt_ms), network locations\n"
       "          (network,latitude,longitude) or regions (region,latitude,longitude)\n"
       "Then, across the files, what the server checks at start-up: every region the\n"
       "zones, latency tables and change batches name is in the regions file among the\n"
       "files, else in the server's default (data/aws_regions.csv) (\"unknown region\n"
       "'eu-wset-1' (did you mean 'eu-west-1'?)\"); alias targets are in the zones\n"
       "checked and do not loop; when the files include health checks, every\n"
       "HealthCheckId is one of them (without, a note says the ids were not checked).\n"
       "Prints \"FILE: ok: ...\" for each good file and \"file:line: message\" on stderr\n"
       "for each problem, the one the server would stop at with the same files first;\n"
       "exit status 1 if there is any.\n\n"
       "Options:\n"
       "  --zone ORIGIN=PATH  a zone file, as the server's --zone (repeatable)\n"
       "  --origin ORIGIN     the zone origin of the master files and Route 53 JSON\n"
       "                      given as FILE\n",
       {"origin", "zone"}, 0, -1, RunCheck},
      {"load", "load ORIGIN FILE... [--json]",
       "load or replace a zone from a master file and/or Route 53 JSON",
       "Uploads the files (PUT /v1/zones/ORIGIN); *.json is Route 53 record sets, anything\n"
       "else a master file ($INCLUDE is not followed). All files make one zone; the zone\n"
       "replaces any loaded one atomically. A bad file is refused with \"file:line: ...\"\n"
       "and the old zone keeps serving. With a --data-dir the zone persists.\n",
       {"json"}, 2, -1, RunLoad},
      {"unload", "unload ORIGIN [--json]", "remove a zone",
       "Stops serving the zone (DELETE /v1/zones/ORIGIN).\n", {"json"}, 1, 1, RunUnload},
      {"list", "list [--json]", "list the loaded zones",
       "One line per zone (GET /v1/zones): origin, serial, record counts, change\n"
       "batches applied, and what the zone follows:\n"
       "  file PATH   its --zone file(s); SIGHUP re-reads them when they change\n"
       "  data-dir    changed through the API: the data dir's copy is served and\n"
       "              SIGHUP leaves it alone (\"(not PATH)\" names the --zone file it\n"
       "              no longer follows; `zonectl zone follow-file` returns it)\n"
       "  memory      changed through the API on a server without --data-dir\n",
       {"json"}, 0, 0, RunList},
      {"show", "show ORIGIN [--json] [--records [--format zone|route53] [--dnssec]]",
       "show one zone, or its records",
       "The zone's serial, record counts, sources and changes (GET /v1/zones/ORIGIN).\n\n"
       "With --records, the zone's data itself (GET /v1/zones/ORIGIN/records):\n"
       "  --format zone      an RFC 1035 master file (the default), as NSD, Knot, BIND\n"
       "                     and steerdns load it; routed record sets (Route 53 routing\n"
       "                     policies, aliases) cannot be written in one: a comment line\n"
       "                     at the top says how many were left out\n"
       "  --format route53   Route 53 JSON ({\"ResourceRecordSets\":[...]}, as `aws route53\n"
       "                     list-resource-record-sets` prints it), routed record sets\n"
       "                     included; --records --json means the same\n"
       "Either form loads back unchanged (zonectl load ORIGIN FILE).\n"
       "  --dnssec           the zone signed, as the server serves it: DNSKEY, CDS,\n"
       "                     every RRSIG, an NSEC chain for a zone signed online (made\n"
       "                     and signed now), routed record sets as the member a\n"
       "                     client without a latency-table row gets; what\n"
       "                     ldns-verify-zone and dnssec-verify check\n",
       {"json", "records", "format", "dnssec"}, 1, 1, RunShow},
      {"zone follow-file", "zone follow-file ORIGIN [--json]",
       "return a zone to its --zone file",
       "A zone changed through the API (load, change) follows the data dir from then\n"
       "on, and SIGHUP no longer re-reads its --zone file. This reads the file now and\n"
       "serves it (POST /v1/zones/ORIGIN/follow-file): the zone follows its file again\n"
       "(SIGHUP re-reads it), and the data dir's copy and its change batches are\n"
       "dropped, all at once. A zone unloaded through the API is loaded from its file\n"
       "again. Refused if the server's command line names no file for the zone, or\n"
       "with the file's \"file:line: message\" if it does not load (nothing changes).\n"
       "The SOA serial goes on from the one served (never backwards).\n",
       {"json"}, 1, 1, RunZoneFollowFile},
      {"change", "change ORIGIN --change-batch file://FILE [--json]",
       "apply a Route 53 change batch (all or nothing)",
       "Applies a change batch as `aws route53 change-resource-record-sets` takes it:\n"
       "{\"Changes\": [{\"Action\": \"CREATE|DELETE|UPSERT\", \"ResourceRecordSet\": {...}}]}\n"
       "or the same wrapped in {\"ChangeBatch\": ...}. Either every change applies or\n"
       "none does; errors are Route 53's (\"Tried to create resource record set ...\").\n\n"
       "Options:\n"
       "  --change-batch file://FILE   the batch (a plain path or inline JSON also works)\n",
       {"change-batch", "json"}, 1, 1, RunChange},
      {"latency load", "latency load FILE [--json]", "replace the latency table",
       "Uploads a latency CSV (header network,region,rtt_ms) (PUT /v1/latency).\n",
       {"json"}, 1, 1, RunLatencyLoad},
      {"latency show", "latency show [--json]", "show the latency table's size",
       "Where the latency table came from and its size (GET /v1/latency).\n",
       {"json"}, 0, 0, RunLatencyShow},
      {"region list", "region list [--json]", "list regions with their admin state",
       "Each region's state (up, drain, down), coordinates, when its last answer\n"
       "expires and, when drained or down, safe_to_stop_at (GET /v1/regions).\n",
       {"json"}, 0, 0, RunRegionList},
      {"region up", "region up NAME [--json]", "put a region back in rotation",
       "Sets the region's admin state to up (POST /v1/regions/NAME).\n",
       {"json", "wait"}, 1, 1, RunRegionUp},
      {"region down", "region down NAME [--wait] [--json]", "take a region out of service",
       "Sets the region's admin state to down: no answers name it.\n\n"
       "Options:\n"
       "  --wait   poll until safe_to_stop_at is reached, then print it\n",
       {"json", "wait"}, 1, 1, RunRegionDown},
      {"region drain", "region drain NAME [--wait] [--json]",
       "drain a region: no new answers, report when it is safe to stop",
       "Sets the region's admin state to drain: it gets no new answers, and the\n"
       "server reports safe_to_stop_at, when the last answer it handed out for the\n"
       "region expires (time sent + TTL).\n\n"
       "Options:\n"
       "  --wait   poll the region list until now >= safe_to_stop_at, then print it\n",
       {"json", "wait"}, 1, 1, RunRegionDrain},
      {"explain", "explain NAME TYPE --client ADDR [--subnet PREFIX] [--dnssec] [--json]",
       "show why a client gets the answer it gets",
       "Answers one query with tracing on (GET /v1/explain): the zone, the routed\n"
       "group, the latency table row, each candidate's health and admin state and\n"
       "why it was skipped, fail-open, and the reply.\n\n"
       "Options:\n"
       "  --client ADDR     the query's source address\n"
       "  --subnet PREFIX   send EDNS Client Subnet PREFIX (e.g. 198.51.100.0/24)\n"
       "  --dnssec          set the DO bit: the reply carries RRSIGs and denial\n"
       "                    proofs; says how the zone is signed and by which keys\n",
       {"client", "subnet", "json", "dnssec"}, 2, 2, RunExplain},
      {"stats", "stats [--json]", "server status and metrics",
       "A summary of GET /v1/status and GET /metrics; --json prints the status JSON.\n",
       {"json"}, 0, 0, RunStats},
      {"health", "health [--json] | health load FILE [--json]",
       "list health checks, or replace them",
       "`zonectl health` lists every health check: type and target, the state the\n"
       "query path reads (healthy/unhealthy), the last result and its reason\n"
       "(\"connect refused\", \"HTTP 503\", \"timeout after 2s\", ...), the last\n"
       "probe's latency, when the state last changed, checks and failures so far,\n"
       "and the record sets that use it (GET /v1/health-checks).\n\n"
       "`zonectl health load FILE` replaces the server's health checks with a\n"
       "Route 53 health checks JSON ({\"HealthChecks\": [...]}, as `aws route53\n"
       "list-health-checks` prints it) (PUT /v1/health-checks). It is refused,\n"
       "and the running checks stay, if the file is bad or drops a check that a\n"
       "record set's HealthCheckId names.\n",
       {"json"}, 0, 2, RunHealth},
      {"dnssec keygen", "dnssec keygen ZONE [--algorithm ecdsap256|ed25519] [--ksk] [--dir DIR]",
       "make a DNSSEC key pair (offline)",
       "Writes a new key pair for ZONE into DIR (default: the current folder) in BIND's\n"
       "format, as dnssec-keygen and ldns-keygen do: K<zone>+<alg>+<tag>.key (the DNSKEY\n"
       "record) and K<zone>+<alg>+<tag>.private (mode 0600, never readable by others),\n"
       "each written atomically, and prints the base name K<zone>+<alg>+<tag>. BIND's\n"
       "and ldns's tools read the files, and so does steerdns. Needs no server.\n\n"
       "Options:\n"
       "  --algorithm A   ecdsap256 (ECDSAP256SHA256, 13; the default) or ed25519 (15)\n"
       "  --ksk           a key-signing key (flags 257, SEP); without, a zone-signing\n"
       "                  key (256). A zone with a single key uses it for both (a CSK)\n"
       "  --dir DIR       where to write the files\n",
       {"algorithm", "ksk", "dir"}, 1, 1, RunDnssecKeygen},
      {"dnssec ds", "dnssec ds ZONE [--dir DIR]",
       "print the DS records to give the parent zone (offline)",
       "Reads the key pairs in DIR (default: the current folder) and prints the DS\n"
       "record (SHA-256, RFC 4509) of each key-signing key of ZONE, or of each key\n"
       "when the zone has no KSK/ZSK split, as master-file lines:\n"
       "  example.com.\tIN\tDS\t12345 13 2 <hex>\n"
       "the same as `dnssec-dsfromkey -2` prints. A key file that does not load is\n"
       "\"file: what is wrong\" on stderr, exit status 1.\n\n"
       "Options:\n"
       "  --dir DIR   where the K*.key and K*.private files are\n",
       {"dir"}, 1, 1, RunDnssecDs},
      {"dnssec status", "dnssec status [--dir DIR | --server URL] [--json]",
       "list DNSSEC keys per zone (offline, or the running server's)",
       "Lists the key pairs per zone: role (KSK, ZSK, or CSK for a zone whose keys\n"
       "are all alike), key tag, algorithm, flags, state now (RFC 7583: generated,\n"
       "published, active, retired, removed) and its next step, BIND timing fields\n"
       "(created, publish, activate, inactive, delete, when set) and the .key file;\n"
       "and each zone's next key event (a roll's next step) with its date.\n"
       "Offline it reads DIR (default: the current folder) as the server would; a\n"
       "key file that does not load is \"file: what is wrong\" on stderr, exit\n"
       "status 1. With --server it asks the running server (GET /v1/dnssec): the\n"
       "keys it loaded from --dnssec-keys, when, and whether it serves each zone.\n\n"
       "Options:\n"
       "  --dir DIR   where the K*.key and K*.private files are\n",
       {"dir", "json"}, 0, 0, RunDnssecStatus},
      {"dnssec roll",
       "dnssec roll ZONE [--dir DIR] [--server URL] [--dnskey-ttl DUR] [--max-zone-ttl DUR] ...",
       "schedule a ZSK rollover with pre-publication (RFC 7583 §3.2.1)",
       "Schedules a whole ZSK rollover in the key files' timing, as BIND's\n"
       "dnssec-settime would; a server that has loaded the folder carries it out by\n"
       "itself (each key is published, signs and goes at its dates):\n"
       "  now                      a new ZSK (the active ZSK's algorithm) is published:\n"
       "                           Publish = now, in the DNSKEY RRset, not signing\n"
       "  now + Ipub               it becomes active (Activate); the active ZSKs retire\n"
       "                           (their Inactive): they stop signing, stay published\n"
       "  ... + Iret               the old ZSKs leave the DNSKEY RRset (their Delete)\n"
       "with Ipub = DNSKEY TTL + publish safety and Iret = max zone TTL + retire\n"
       "safety. Prints each step's UTC date. The new key is written atomically, then\n"
       "each old key's .key and .private with its new timing (atomically; on an\n"
       "error the roll is undone). Refused, with what to do, when the zone has no\n"
       "ZSK (its keys are CSKs: rolling one changes the DS at the parent; see\n"
       "docs/dnssec.md, \"KSK and CSK rollover\"), when a roll is in progress (a\n"
       "ZSK still to be published or activated, to retire, or retired and still\n"
       "published: the message names the keys and dates), or when --algorithm is\n"
       "not the active ZSK's (that is an algorithm rollover).\n"
       "DUR is seconds, or a number with s, m, h, d or w (3600, 60m, 1h, 1d).\n\n"
       "Options:\n"
       "  --dir DIR              the key folder (default: the current folder; with\n"
       "                         --server, the server's --dnssec-keys folder)\n"
       "  --dnskey-ttl DUR       TTL of the DNSKEY RRset (default: the largest TTL in\n"
       "                         the zone's .key files, else 3600)\n"
       "  --publish-safety DUR   propagation and margin before activation (default 1h)\n"
       "  --max-zone-ttl DUR     the largest TTL of the zone's signed records, negative\n"
       "                         answers included (default 1d)\n"
       "  --retire-safety DUR    margin before the old key goes (default 1h)\n"
       "  --algorithm A          ecdsap256 or ed25519: must be the active ZSK's\n"
       "  --server URL           after writing, make the server reload its key folder\n"
       "                         (POST /v1/dnssec/reload); else it follows the files\n"
       "                         on its next SIGHUP\n",
       {"dir", "dnskey-ttl", "publish-safety", "max-zone-ttl", "retire-safety", "algorithm"},
       1, 1, RunDnssecRoll},
      {"transfer status", "transfer status [--json]",
       "zone transfers: roles, serials, last transfer, next refresh, errors",
       "Lists every zone with its transfer role (GET /v1/transfers). A primary\n"
       "(any zone we serve from our own data): who may transfer it (--allow-transfer),\n"
       "transfers out (AXFR, IXFR, refused, failed), the last one, how far back IXFR\n"
       "reaches in the journal, and each NOTIFY target's state. A secondary\n"
       "(--secondary): its primaries, the last transfer in (AXFR or IXFR, when, how\n"
       "many records), the next refresh and when it expires (then SERVFAIL), and\n"
       "the last error.\n",
       {"json"}, 0, 0, RunTransferStatus},
      {"transfer retransfer", "transfer retransfer ORIGIN [--json]",
       "pull a secondary zone again now, by AXFR",
       "Asks the server to transfer secondary zone ORIGIN from its primary now with\n"
       "a full AXFR (POST /v1/transfers/ORIGIN/retransfer), whatever its serial.\n"
       "The transfer runs in the background: `transfer status` shows its outcome.\n",
       {"json"}, 1, 1, RunTransferRetransfer},
      {"notify", "notify ORIGIN [--json]", "send NOTIFY for a zone to its secondaries now",
       "Sends NOTIFY (RFC 1996) for ORIGIN now (POST /v1/zones/ORIGIN/notify) to\n"
       "its --notify targets (and the addresses of its NS names with `notify: ns`),\n"
       "retried with back-off until each answers; `transfer status` shows them.\n",
       {"json"}, 1, 1, RunNotify},
      {"dnssec reload", "dnssec reload [--json]",
       "make the running server re-read its DNSSEC key folder",
       "Asks the server to read its --dnssec-keys folder again now (POST\n"
       "/v1/dnssec/reload), as SIGHUP does, and prints its keys as `dnssec status\n"
       "--server` does. A bad key file is refused with its \"file: what\" lines on\n"
       "stderr, exit status 1, and the server keeps its old keys.\n",
       {"json"}, 0, 0, RunDnssecReload},
  };
  return kCommands;
}

constexpr char kGlobalHelp[] =
    "Global options:\n"
    "  --server URL        the control API (default: $STEERDNS_SERVER, else\n"
    "                      http://127.0.0.1:8053)\n"
    "  --token-file FILE   send \"Authorization: Bearer <token>\" with the file's content\n"
    "  --timeout SECONDS   per-request timeout (default 30)\n"
    "  --help              this help; `zonectl COMMAND --help` for one command\n\n"
    "Exit status: 0 on success; 1 on failure, with one line on stderr; 2 on a usage\n"
    "error.\n";

void PrintMainHelp() {
  std::cout << "Usage: zonectl [--server URL] [--token-file FILE] COMMAND [ARGS...]\n\n"
               "Operates a running steerdns through its control API (docs/control-api.md)\n"
               "and checks input files offline. Commands that list or show take --json and\n"
               "then print the API's JSON.\n\nCommands:\n";
  for (const Command& c : Commands()) {
    std::cout << "  " << c.synopsis << "\n      " << c.summary << "\n";
    if (std::string(c.name) == "latency show") {
      std::cout << "  latency build --geoip FILE... --out FILE ...\n"
                   "      build a latency table CSV offline (see `zonectl latency build --help`)\n";
    }
  }
  std::cout << "\n" << kGlobalHelp;
}

void PrintGroupHelp(const std::string& group) {
  std::cout << "Usage: zonectl " << group << " SUBCOMMAND ...\n\nSubcommands:\n";
  for (const Command& c : Commands()) {
    if (absl::StartsWith(c.name, group + " ")) {
      std::cout << "  zonectl " << c.synopsis << "\n      " << c.summary << "\n";
    }
  }
  if (group == "latency") {
    std::cout << "  zonectl latency build --geoip FILE... --out FILE ...\n"
                 "      build a latency table CSV from IP geolocation data "
                 "(see `zonectl latency build --help`)\n";
  }
  std::cout << "\n" << kGlobalHelp;
}

void PrintCommandHelp(const Command& c) {
  std::string summary = c.summary;
  summary[0] = absl::ascii_toupper(static_cast<unsigned char>(summary[0]));
  std::cout << "Usage: zonectl " << c.synopsis << "\n\n"
            << summary << ".\n\n"
            << c.details;
  bool json = false;
  for (const std::string& f : c.flags) json |= (f == "json");
  if (json) std::cout << "\n  --json   print the API's JSON (snake_case fields) instead\n";
  std::cout << "\n" << kGlobalHelp;
}

const FlagDef* FindFlag(const std::string& name) {
  for (const FlagDef& f : kFlagDefs) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool IsGroup(const std::string& word) {
  return word == "latency" || word == "region" || word == "zone" || word == "dnssec" ||
         word == "transfer";
}

// Help for `words` (a command, a group, or a group and subcommand).
int RunHelpOnly(const std::vector<std::string>& words) {
  std::string name = words[0];
  if (IsGroup(name) && words.size() >= 2) name += " " + words[1];
  for (const Command& c : Commands()) {
    if (name == c.name) {
      PrintCommandHelp(c);
      return kExitOk;
    }
  }
  if (IsGroup(words[0])) {
    PrintGroupHelp(words[0]);
    return kExitOk;
  }
  return UsageError("unknown command '" + name + "'", "");
}

// `zonectl [global flags] latency build ARGS...`: ARGS go to the latency
// builder as they are (its flags are its own). -1 if that is not the command.
int MaybeLatencyBuild(int argc, char** argv) {
  int i = 1;
  while (i < argc && absl::StartsWith(argv[i], "--")) {
    const std::string a = argv[i];
    const bool global_with_value =
        a == "--server" || a == "--token-file" || a == "--timeout";
    i += global_with_value ? 2 : 1;
  }
  if (i + 1 >= argc || std::string(argv[i]) != "latency" ||
      std::string(argv[i + 1]) != "build") {
    return -1;
  }
  std::vector<std::string> args(argv + i + 2, argv + argc);
  return geo::RunLatencyBuildCommand("zonectl latency build", args, stdout, stderr);
}

int Main(int argc, char** argv) {
  if (int rc = MaybeLatencyBuild(argc, argv); rc >= 0) return rc;
  Parsed p;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-' || a == "-") {
      p.words.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "-h") a = "--help";
    if (a[1] != '-') return UsageError("unknown option " + a, "");
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagDef* def = FindFlag(name);
    if (def == nullptr) return UsageError("unknown option --" + name, "");
    if (def->takes_value) {
      if (!has_value) {
        if (i + 1 >= argc) return UsageError("--" + name + " needs a value", "");
        value = argv[++i];
      }
      p.values[name] = value;
      p.lists[name].push_back(value);
    } else {
      if (has_value) return UsageError("--" + name + " takes no value", "");
      p.bools.insert(name);
    }
    p.given.push_back(name);
  }
  const bool help = p.has("help");

  // Resolve the command: one word, or a group and a subcommand.
  // `zonectl help [COMMAND...]` is `zonectl [COMMAND...] --help`.
  if (!p.words.empty() && p.words[0] == "help") {
    p.words.erase(p.words.begin());
    if (p.words.empty()) {
      PrintMainHelp();
      return kExitOk;
    }
    p.bools.insert("help");
    return RunHelpOnly(p.words);
  }
  if (p.words.empty()) {
    if (help) {
      PrintMainHelp();
      return kExitOk;
    }
    return UsageError("no command given", "");
  }
  std::string name = p.words[0];
  size_t consumed = 1;
  if (IsGroup(name)) {
    if (p.words.size() >= 2) {
      name += " " + p.words[1];
      consumed = 2;
    } else if (help) {
      PrintGroupHelp(name);
      return kExitOk;
    } else {
      return UsageError("'" + name + "' needs a subcommand", name);
    }
  }
  const Command* cmd = nullptr;
  for (const Command& c : Commands()) {
    if (name == c.name) cmd = &c;
  }
  if (cmd == nullptr) {
    if (IsGroup(p.words[0])) {
      if (help) {
        PrintGroupHelp(p.words[0]);
        return kExitOk;
      }
      return UsageError("unknown subcommand '" + name + "'", p.words[0]);
    }
    return UsageError("unknown command '" + name + "'", "");
  }
  if (help) {
    PrintCommandHelp(*cmd);
    return kExitOk;
  }
  for (const std::string& f : p.given) {
    bool ok = false;
    for (const char* g : kGlobalFlags) ok |= (f == g);
    for (const std::string& c : cmd->flags) ok |= (f == c);
    if (!ok) return UsageError(name + " does not take --" + f, name);
  }
  std::vector<std::string> args(p.words.begin() + static_cast<ptrdiff_t>(consumed),
                                p.words.end());
  const int n = static_cast<int>(args.size());
  if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
    return UsageError(absl::StrCat("usage: zonectl ", cmd->synopsis), name);
  }

  std::string server = p.value("server");
  if (server.empty()) {
    const char* env = std::getenv(kServerEnv);
    server = (env != nullptr && *env != '\0') ? env : kDefaultServer;
  }
  int timeout_s = kDefaultTimeoutS;
  if (p.has("timeout") &&
      (!absl::SimpleAtoi(p.value("timeout"), &timeout_s) || timeout_s <= 0)) {
    return UsageError("--timeout needs a positive number of seconds", name);
  }
  Ctx ctx(server, p.value("token-file"), timeout_s);
  return cmd->run(ctx, args, p);
}

}  // namespace
}  // namespace zonectl

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(true);
  return zonectl::Main(argc, argv);
}
