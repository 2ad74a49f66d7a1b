// File: tools/zonectl_format.cc
#include "tools/zonectl_format.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace zonectl {
namespace {

const Json& Get(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

bool Truthy(const Json& v) { return v.is_boolean() && v.get<bool>(); }

std::string Number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<long long>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (row.size() > width.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string Cell(const Json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return Number(v.get<double>());
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const Json& e : v) parts.push_back(e.is_structured() ? e.dump() : Cell(e));
    return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
  }
  return v.dump();
}

std::string Field(const Json& object, const char* key) { return Cell(Get(object, key)); }

std::optional<SysTime> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  std::string s(text);
  if (s.size() < 20) return std::nullopt;
  struct tm tm {};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                  &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t pos = 19;
  double frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t end = pos + 1;
    while (end < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[end]))) ++end;
    if (end == pos + 1) return std::nullopt;
    frac = std::strtod(s.substr(pos, end - pos).c_str(), nullptr);
    pos = end;
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int h = 0, m = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &h, &m) != 2) return std::nullopt;
    offset = (h * 60L + m) * 60L * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t - offset) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             std::chrono::duration<double>(frac));
}

std::string FormatRfc3339(SysTime t) {
  const time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatDuration(long long s) {
  if (s < 0) s = 0;
  const long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  std::string out;
  if (d > 0) absl::StrAppend(&out, d, "d ");
  if (d > 0 || h > 0) absl::StrAppend(&out, h, "h ");
  if (d > 0 || h > 0 || m > 0) absl::StrAppend(&out, m, "m ");
  absl::StrAppend(&out, sec, "s");
  return out;
}

std::string Follows(const Json& z) {
  const std::string follows = Field(z, "follows");
  const Json& files = Get(z, "zone_files");
  const bool has_files = files.is_array() && !files.empty();
  if (follows == "file") return absl::StrCat("file ", Field(z, "sources"));
  if (follows == "data-dir" || follows == "memory") {
    // The zone's own files that it no longer follows, if any.
    return has_files ? absl::StrCat(follows, " (not ", Cell(files), ")") : follows;
  }
  return follows;
}

std::string RenderZones(const Json& zones) {
  const Json& list = Get(zones, "zones");
  if (!list.is_array() || list.empty()) return "no zones loaded\n";
  std::vector<std::vector<std::string>> rows = {
      {"ORIGIN", "SERIAL", "RECORDS", "ROUTED", "CHANGES", "FOLLOWS"}};
  for (const Json& z : list) {
    rows.push_back({Field(z, "origin"), Field(z, "serial"), Field(z, "records"),
                    Field(z, "routed_record_sets"), Field(z, "changes_applied"), Follows(z)});
  }
  return Table(rows);
}

std::string RenderZone(const Json& z) {
  std::vector<std::vector<std::string>> rows = {
      {"origin:", Field(z, "origin")},
      {"serial:", absl::StrCat(Field(z, "serial"), " (serial-policy ",
                               Field(z, "serial_policy"), ")")},
      {"records:", Field(z, "records")},
      {"routed record sets:", Field(z, "routed_record_sets")},
      {"managed by:", Field(z, "managed_by")},
      {"follows:", Follows(z)},
      {"changes applied:", Field(z, "changes_applied")},
      {"sources:", Field(z, "sources")},
  };
  return Table(rows);
}

std::string RenderRegions(const Json& regions) {
  const Json& list = Get(regions, "regions");
  if (!list.is_array() || list.empty()) return "no regions\n";
  std::vector<std::vector<std::string>> rows = {
      {"REGION", "STATE", "LATITUDE", "LONGITUDE", "LAST_ANSWER_EXPIRES_AT",
       "SAFE_TO_STOP_AT"}};
  for (const Json& r : list) {
    rows.push_back({Field(r, "name"), Field(r, "state"), Field(r, "latitude"),
                    Field(r, "longitude"), Field(r, "last_answer_expires_at"),
                    Field(r, "safe_to_stop_at")});
  }
  return Table(rows);
}

std::string RenderHealthChecks(const Json& health) {
  const Json& list = Get(health, "health_checks");
  std::string out;
  const Json& source = Get(health, "source");
  if (source.is_string()) {
    absl::StrAppend(&out, "health checks from ", source.get<std::string>(), " (managed by ",
                    Field(health, "managed_by"),
                    Truthy(Get(health, "probing")) ? ", probing" : ", not probing", ")\n");
  }
  if (!list.is_array() || list.empty()) return out + "no health checks loaded\n";
  std::vector<std::vector<std::string>> rows = {{"ID", "TYPE", "TARGET", "STATE", "LAST_RESULT",
                                                 "REASON", "LATENCY_MS", "LAST_CHANGE",
                                                 "CHECKS", "FAILURES", "USED_BY"}};
  for (const Json& h : list) {
    std::vector<std::string> used;
    const Json& by = Get(h, "used_by");
    if (by.is_array()) {
      for (const Json& r : by) {
        std::string ref = absl::StrCat(Field(r, "name"), " ", Field(r, "type"));
        const Json& set_id = Get(r, "set_identifier");
        if (set_id.is_string() && !set_id.get<std::string>().empty())
          absl::StrAppend(&ref, " ", set_id.get<std::string>());
        used.push_back(ref);
      }
    }
    std::string state = Field(h, "state");
    if (Truthy(Get(h, "forced"))) state += " (forced)";
    const Json& latency = Get(h, "last_latency_ms");
    rows.push_back({Field(h, "id"), Field(h, "type"), Field(h, "target"), state,
                    Field(h, "last_result"), Field(h, "reason"),
                    latency.is_number() ? Number(latency.get<double>()) : "-",
                    Field(h, "last_change"), Field(h, "checks"), Field(h, "failures"),
                    used.empty() ? "-" : absl::StrJoin(used, "; ")});
  }
  return out + Table(rows);
}

std::string RenderRegion(const Json& r) {
  std::string out = absl::StrCat(Field(r, "name"), ": ", Field(r, "state"));
  const Json& safe = Get(r, "safe_to_stop_at");
  if (safe.is_string()) absl::StrAppend(&out, ", safe to stop at ", safe.get<std::string>());
  const Json& last = Get(r, "last_answer_expires_at");
  if (last.is_string()) {
    absl::StrAppend(&out, " (last answer expires at ", last.get<std::string>(), ")");
  }
  return out + "\n";
}

std::string RenderExplain(const Json& e) {
  std::string out;
  const Json& client = Get(e, "client");
  absl::StrAppend(&out, "zone:    ", Field(e, "zone"), " (", Field(e, "lookup"), ")\n");
  absl::StrAppend(&out, "client:  ", Field(client, "address"), " (from ",
                  Field(client, "from"), ")");
  const Json& ecs = Get(e, "ecs");
  if (ecs.is_object()) {
    absl::StrAppend(&out, ", ECS source /", Field(ecs, "source_prefix"), " scope /",
                    Field(ecs, "scope_prefix"));
  }
  out += "\n";
  const Json& decisions = Get(e, "decisions");
  if (decisions.is_array()) {
    for (const Json& d : decisions) {
      absl::StrAppend(&out, "\nrouted:  ", Field(d, "name"), " ", Field(d, "type"), " ",
                      Field(d, "policy"), " (", Field(d, "source"), ")\n");
      const Json& row = Get(d, "table_row");
      if (row.is_object()) {
        std::vector<std::string> ranking;
        const Json& r = Get(row, "ranking");
        if (r.is_array()) {
          for (const Json& x : r) {
            const Json& rtt = Get(x, "rtt_ms");
            ranking.push_back(absl::StrCat(
                Field(x, "region"), " ",
                rtt.is_number() ? absl::StrFormat("%.1fms", rtt.get<double>()) : Cell(rtt)));
          }
        }
        absl::StrAppend(&out, "table:   ", Field(row, "network"), ": ",
                        ranking.empty() ? "-" : absl::StrJoin(ranking, ", "), "\n");
      } else if (!row.is_null()) {
        absl::StrAppend(&out, "table:   ", Cell(row), "\n");
      }
      const Json& candidates = Get(d, "candidates");
      if (candidates.is_array() && !candidates.empty()) {
        std::vector<std::vector<std::string>> rows = {
            {"  RANK", "SET_IDENTIFIER", "REGION", "WEIGHT", "FAILOVER", "HEALTHY",
             "HEALTH_CHECK", "ADMIN", "RESULT"}};
        for (const Json& c : candidates) {
          std::string result = Truthy(Get(c, "picked")) ? "picked" : "skipped";
          const Json& why = Get(c, "skipped");
          if (!Truthy(Get(c, "picked")) && !why.is_null()) result += ": " + Cell(why);
          // "hc-web-eu unhealthy (connect refused)"
          std::string check = "-";
          const Json& hc = Get(c, "health_check");
          if (hc.is_object()) {
            check = absl::StrCat(Field(hc, "id"), " ", Field(hc, "state"));
            if (Get(hc, "reason").is_string()) absl::StrAppend(&check, " (", Field(hc, "reason"), ")");
          }
          rows.push_back({"  " + Field(c, "rank"), Field(c, "set_identifier"),
                          Field(c, "region"), Field(c, "weight"), Field(c, "failover"),
                          Field(c, "healthy"), check, Field(c, "admin"), result});
        }
        out += Table(rows);
      }
      absl::StrAppend(&out, "fail-open: ", Field(d, "fail_open"),
                      "; answered: ", Field(d, "answered"), "\n");
    }
  }
  const Json& dnssec = Get(e, "dnssec");
  if (dnssec.is_object()) {
    // "dnssec:  zone signed online (ZSK 16232, KSK 19104, signatures expire ...);
    //  reply signed by 16232 (2 RRSIGs)"
    absl::StrAppend(&out, "\ndnssec:  zone ", Field(dnssec, "zone"));
    if (Get(dnssec, "zsk_tags").is_array())
      absl::StrAppend(&out, " (ZSK ", Field(dnssec, "zsk_tags"), ", KSK ",
                      Field(dnssec, "ksk_tags"), ", signatures expire ",
                      Field(dnssec, "signatures_expire"), ")");
    if (!Truthy(Get(dnssec, "do"))) {
      out += "; query without DO (--dnssec sets it): reply unsigned\n";
    } else if (Truthy(Get(dnssec, "answer_signed"))) {
      absl::StrAppend(&out, "; reply signed by key ", Field(dnssec, "signed_by"), " (",
                      Field(dnssec, "rrsigs"), Field(dnssec, "rrsigs") == "1" ? " RRSIG)\n" : " RRSIGs)\n");
    } else {
      out += "; reply unsigned\n";
    }
  }
  const Json& reply = Get(e, "reply");
  absl::StrAppend(&out, "\nreply:   ", Field(reply, "rcode"), " flags ",
                  Field(reply, "flags"), ", ttl ", Field(reply, "ttl"), ", scope ",
                  Field(e, "scope"), ", ", Field(reply, "size"), " bytes\n");
  for (const char* section : {"answer", "authority", "additional"}) {
    const Json& rrs = Get(reply, section);
    if (!rrs.is_array() || rrs.empty()) continue;
    absl::StrAppend(&out, section, ":\n");
    for (const Json& rr : rrs) absl::StrAppend(&out, "  ", Cell(rr), "\n");
  }
  return out;
}

std::vector<MetricTotal> SumMetrics(std::string_view text) {
  std::vector<MetricTotal> out;
  std::map<std::string, size_t> index;
  std::map<std::string, std::string> types;
  for (absl::string_view line : absl::StrSplit(
           absl::string_view(text.data(), text.size()), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::vector<absl::string_view> t =
          absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (t.size() >= 4 && t[1] == "TYPE") types[std::string(t[2])] = std::string(t[3]);
      continue;
    }
    size_t name_end = line.find_first_of("{ \t");
    if (name_end == absl::string_view::npos) continue;
    std::string name(line.substr(0, name_end));
    size_t rest = name_end;
    if (line[rest] == '{') {
      bool quoted = false;
      for (++rest; rest < line.size(); ++rest) {
        if (line[rest] == '\\') { ++rest; continue; }
        if (line[rest] == '"') quoted = !quoted;
        if (line[rest] == '}' && !quoted) break;
      }
      ++rest;
    }
    if (rest >= line.size()) continue;
    std::vector<absl::string_view> t = absl::StrSplit(
        line.substr(rest), absl::ByAnyChar(" \t"), absl::SkipEmpty());
    double v = 0;
    if (t.empty() || !absl::SimpleAtod(t[0], &v)) continue;
    if (absl::EndsWith(name, "_bucket")) continue;
    auto [it, added] = index.try_emplace(name, out.size());
    if (added) out.push_back({name, "", 0, 0});
    out[it->second].sum += v;
    out[it->second].samples += 1;
  }
  for (MetricTotal& m : out) {
    auto t = types.find(m.name);
    if (t == types.end()) {
      // Summaries and histograms type their base name.
      for (const char* suffix : {"_sum", "_count"}) {
        if (absl::EndsWith(m.name, suffix)) {
          t = types.find(m.name.substr(0, m.name.size() - std::string(suffix).size()));
          if (t != types.end()) break;
        }
      }
    }
    if (t != types.end()) m.type = t->second;
  }
  return out;
}

std::string RenderStatus(const Json& s, const std::string& metrics,
                         const std::string& metrics_error) {
  std::string out;
  long long uptime = Get(s, "uptime_s").is_number() ? Get(s, "uptime_s").get<long long>() : 0;
  const Json& reloads = Get(s, "reloads");
  std::vector<std::vector<std::string>> rows = {
      {"version:", Field(s, "version")},
      {"started at:", absl::StrCat(Field(s, "started_at"), " (up ", FormatDuration(uptime), ")")},
      {"threads:", Field(s, "threads")},
      {"listen:", Field(s, "listen")},
      {"data dir:", Get(s, "data_dir").is_null() ? "none (API changes are not kept)"
                                                  : Field(s, "data_dir")},
      {"zones:", Field(s, "zones")},
      {"snapshot generation:", Field(s, "snapshot_generation")},
      {"reloads:", absl::StrCat(Cell(reloads), " (", Field(s, "reload_failures"), " failed)")},
      {"queries:", Field(s, "queries")},
  };
  out += Table(rows);
  if (!metrics_error.empty()) {
    absl::StrAppend(&out, "metrics: unavailable (", metrics_error, ")\n");
    return out;
  }
  std::vector<std::vector<std::string>> m = {{"  METRIC", "TYPE", "SERIES", "TOTAL"}};
  for (const MetricTotal& t : SumMetrics(metrics)) {
    // A sum over the series of a gauge (states, times) means nothing.
    const bool summable = t.samples == 1 || t.type != "gauge";
    m.push_back({"  " + t.name, t.type.empty() ? "-" : t.type,
                 absl::StrCat(t.samples), summable ? Number(t.sum) : "-"});
  }
  out += "metrics (counters summed over their series; GET /metrics for all):\n";
  out += Table(m);
  return out;
}

std::string RenderGeneric(const Json& v) {
  if (v.is_array()) {
    if (v.empty()) return "(none)\n";
    std::vector<std::string> keys;
    for (const Json& e : v) {
      if (!e.is_object()) return v.dump(2) + "\n";
      for (auto it = e.begin(); it != e.end(); ++it) {
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
          keys.push_back(it.key());
      }
    }
    std::vector<std::vector<std::string>> rows(1);
    for (const std::string& k : keys) rows[0].push_back(absl::AsciiStrToUpper(k));
    for (const Json& e : v) {
      rows.emplace_back();
      for (const std::string& k : keys) rows.back().push_back(Field(e, k.c_str()));
    }
    return Table(rows);
  }
  if (v.is_object()) {
    // An object holding one list (e.g. {"health_checks": [...]}) is that list.
    if (v.size() == 1 && v.begin()->is_array()) return RenderGeneric(*v.begin());
    std::vector<std::vector<std::string>> rows;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->is_array() && !it->empty() && (*it)[0].is_object()) {
        continue;  // printed below
      }
      rows.push_back({it.key() + ":", Cell(*it)});
    }
    std::string out = Table(rows);
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->is_array() && !it->empty() && (*it)[0].is_object()) {
        absl::StrAppend(&out, it.key(), ":\n", RenderGeneric(*it));
      }
    }
    return out;
  }
  return Cell(v) + "\n";
}

std::string RenderTransfers(const Json& transfers) {
  const Json zones = transfers.is_object() ? transfers.value("zones", Json::array()) : Json();
  if (!zones.is_array() || zones.empty()) return "no zones\n";
  std::vector<std::vector<std::string>> rows = {
      {"ZONE", "ROLE", "SERIAL", "LAST TRANSFER", "NEXT", "ERRORS"}};
  std::string details;
  for (const Json& z : zones) {
    const std::string role = Field(z, "role");
    std::string last = "-", next = "-", errors = "-";
    if (role == "secondary") {
      const Json t = z.value("last_transfer", Json());
      if (t.is_object()) {
        last = absl::StrCat(Field(t, "kind"), " from ", Field(t, "from"), " at ", Field(t, "at"),
                            " (", Field(t, "records"), " records)");
      }
      next = Field(z, "expired") == "yes"
                 ? "EXPIRED: answering SERVFAIL"
                 : absl::StrCat("refresh ", Field(z, "next_refresh"), ", expires ",
                                Field(z, "expires_at"));
      const Json in = z.value("transfers_in", Json());
      errors = absl::StrCat(Field(in, "failed"), " failed of ",
                            Field(in, "ok") == "-" ? "0" : Field(in, "ok"));
    } else {
      const Json out = z.value("transfers_out", Json());
      const Json t = z.value("last_transfer_out", Json());
      if (t.is_object()) {
        last = absl::StrCat(Field(t, "kind"), " to ", Field(t, "client"), " at ", Field(t, "at"));
      }
      const Json j = z.value("journal", Json());
      if (j.is_object() && j.value("differences", 0) > 0) {
        next = absl::StrCat("IXFR from ", Field(j, "oldest_serial"));
      } else {
        next = "AXFR only";
      }
      errors = absl::StrCat(Field(out, "refused"), " refused, ", Field(out, "failed"), " failed");
    }
    rows.push_back({Field(z, "origin"), role, Field(z, "serial"), last, next, errors});
    if (z.contains("last_error") && z["last_error"].is_string() &&
        !z["last_error"].get<std::string>().empty()) {
      absl::StrAppend(&details, Field(z, "origin"), ": last error: ", Field(z, "last_error"), "\n");
    }
    const Json notify = z.value("notify", Json::array());
    for (const Json& n : notify.is_array() ? notify : Json::array()) {
      absl::StrAppend(&details, Field(z, "origin"), ": notify ", Field(n, "target"), ": ",
                      Field(n, "state"), " (serial ", Field(n, "serial"), ", ", Field(n, "tries"),
                      " tries)");
      if (n.contains("last_error") && n["last_error"].is_string() &&
          !n["last_error"].get<std::string>().empty())
        absl::StrAppend(&details, ": ", Field(n, "last_error"));
      details += "\n";
    }
  }
  return Table(rows) + details;
}

}  // namespace zonectl
