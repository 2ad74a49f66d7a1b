#include "dns/control/metrics.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dns/answer/answer.h"
#include "dns/dnssec/keys.h"
#include "dns/wire/name.h"

namespace dns::control {
namespace {

using dns::server::kQtypeSlots;
using dns::server::kRcodeSlots;

// One metric family: HELP and TYPE once, then its samples.
class Family {
 public:
  Family(std::string* out, const char* name, const char* type, const char* help)
      : out_(out), name_(name) {
    absl::StrAppend(out_, "# HELP steerdns_", name, " ", help, "\n# TYPE steerdns_", name, " ",
                    type, "\n");
  }
  // labels: {"k","v","k2","v2",...}
  void Sample(std::initializer_list<std::string_view> labels, double value) {
    absl::StrAppend(out_, "steerdns_", name_);
    if (labels.size() > 0) {
      out_->push_back('{');
      bool first = true;
      for (auto it = labels.begin(); it != labels.end(); it += 2) {
        if (!first) out_->push_back(',');
        first = false;
        absl::StrAppend(out_, absl::string_view(it->data(), it->size()), "=\"",
                        EscapeLabelValue(*(it + 1)), "\"");
      }
      out_->push_back('}');
    }
    absl::StrAppend(out_, " ", FormatValue(value), "\n");
  }

 private:
  static std::string FormatValue(double v) {
    if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 9.0e15 && v > -9.0e15)
      return absl::StrCat(static_cast<int64_t>(v));
    return absl::StrFormat("%.17g", v);
  }
  std::string* out_;
  const char* name_;
};

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

MetricsData CollectMetrics(const dns::server::Server* server, const ControlState& state,
                           std::string version, double start_time_seconds,
                           const ZoneTransfers* transfers) {
  MetricsData d;
  d.version = std::move(version);
  d.start_time_seconds = start_time_seconds;
  d.reloads = state.reloads();
  for (const ZoneInfo& z : state.Zones()) d.zones.push_back({z.origin, z.serial, z.records});

  std::vector<uint32_t> expiry;
  if (server != nullptr) {
    TransportMetrics t[2];
    t[0].transport = "udp";
    t[1].transport = "tcp";
    std::map<std::tuple<uint32_t, uint32_t, uint8_t>, uint64_t> routed;
    server->VisitCounters([&](Transport transport, const dns::server::WorkerCounters& c) {
      TransportMetrics& m = t[transport == Transport::kUdp ? 0 : 1];
      m.totals.Add(c);
      for (size_t q = 0; q < kQtypeSlots; ++q)
        for (size_t r = 0; r < kRcodeSlots; ++r)
          m.by_qtype_rcode[q][r] += dns::server::Load(c.by_qtype_rcode[q][r]);
      m.dropped_malformed += dns::server::Load(c.dropped_malformed);
      m.ecs_present += dns::server::Load(c.ecs_present);
      m.ecs_absent += dns::server::Load(c.ecs_absent);
      c.routed.ForEach([&](uint32_t name, uint32_t region, RouteReason reason, uint64_t n) {
        routed[{name, region, static_cast<uint8_t>(reason)}] += n;
      });
      d.routed_unrecorded += c.routed.overflow();
    });
    d.transports = {t[0], t[1]};
    const std::vector<std::string> names = state.routed_names().Names();
    for (const auto& [key, n] : routed) {
      const auto& [name, region, reason] = key;
      RoutedMetric m;
      m.name = name < names.size() ? names[name] : "";
      m.region = region == geo::kNoRegion ? "" : state.admin().Name(region);
      m.reason = RouteReasonName(static_cast<RouteReason>(reason));
      m.count = n;
      d.routed.push_back(std::move(m));
    }
    std::sort(d.routed.begin(), d.routed.end(), [](const RoutedMetric& a, const RoutedMetric& b) {
      return std::tie(a.name, a.region, a.reason) < std::tie(b.name, b.region, b.reason);
    });
    expiry = server->LatestExpiry();
  }
  for (const RegionInfo& r : state.Regions()) {
    RegionMetric m;
    m.name = r.name;
    m.state = std::string(geo::AdminStateName(r.state));
    m.last_expiry = r.id < expiry.size() ? expiry[r.id] : 0;
    d.regions.push_back(std::move(m));
  }
  for (const HealthCheckInfo& h : state.HealthChecks()) {
    HealthMetric m;
    m.id = h.status.id;
    m.type = std::string(health::HealthCheckTypeName(h.status.type));
    m.healthy = h.status.slot_healthy;
    m.last_latency_seconds = h.status.last_latency_ms / 1000.0;
    m.checks = h.status.checks;
    m.failures = h.status.failures;
    d.health_checks.push_back(std::move(m));
  }
  d.dnssec_expired_signatures = state.ExpiredSignatureCounts();
  if (transfers != nullptr) {
    d.transfers = transfers->Totals();
    for (const ZoneTransferInfo& z : transfers->Status()) {
      if (z.secondary) d.secondary_zones.push_back({z.origin, z.serial, z.in.expired});
    }
  }
  const DnssecKeysInfo keys = state.DnssecKeys();
  if (keys.keys != nullptr) {
    for (const auto& [wire, list] : *keys.keys) {
      for (dnssec::KeyRole role :
           {dnssec::KeyRole::kKsk, dnssec::KeyRole::kZsk, dnssec::KeyRole::kCsk}) {
        const size_t n = std::count_if(list.begin(), list.end(),
                                       [&](const dnssec::KeyPair& k) { return k.role == role; });
        if (n == 0) continue;
        d.dnssec_keys.push_back(DnssecKeyMetric{NameToText(wire), dnssec::KeyRoleName(role), n});
      }
    }
  }
  return d;
}

std::string FormatMetrics(const MetricsData& d) {
  std::string out;
  {
    Family f(&out, "build_info", "gauge", "steerdns version (always 1).");
    f.Sample({"version", d.version}, 1);
  }
  {
    Family f(&out, "start_time_seconds", "gauge", "Start time of the process, Unix seconds.");
    f.Sample({}, d.start_time_seconds);
  }
  {
    Family f(&out, "queries_total", "counter",
             "DNS replies sent, by transport, query type and response code.");
    for (const TransportMetrics& t : d.transports)
      for (size_t q = 0; q < kQtypeSlots; ++q)
        for (size_t r = 0; r < kRcodeSlots; ++r)
          if (t.by_qtype_rcode[q][r] != 0)
            f.Sample({"transport", t.transport, "qtype", dns::server::QtypeSlotName(q), "rcode",
                      dns::server::RcodeSlotName(r)},
                     static_cast<double>(t.by_qtype_rcode[q][r]));
  }
  {
    Family f(&out, "queries_received_total", "counter",
             "DNS messages received and handed to the engine, by transport.");
    for (const TransportMetrics& t : d.transports)
      f.Sample({"transport", t.transport}, static_cast<double>(t.totals.queries));
  }
  {
    Family f(&out, "queries_dropped_total", "counter",
             "Queries that got no reply: malformed, or other (e.g. a send that failed).");
    for (const TransportMetrics& t : d.transports) {
      const uint64_t other =
          t.totals.dropped > t.dropped_malformed ? t.totals.dropped - t.dropped_malformed : 0;
      f.Sample({"transport", t.transport, "reason", "malformed"},
               static_cast<double>(t.dropped_malformed));
      f.Sample({"transport", t.transport, "reason", "other"}, static_cast<double>(other));
    }
  }
  {
    Family f(&out, "truncated_total", "counter", "Replies sent with TC set, by transport.");
    for (const TransportMetrics& t : d.transports)
      f.Sample({"transport", t.transport}, static_cast<double>(t.totals.truncated));
  }
  {
    Family f(&out, "udp_reanswered_smaller_total", "counter",
             "UDP replies larger than the interface MTU (they carry DF), answered again "
             "within 1232 octets (TC set when the answer does not fit).");
    for (const TransportMetrics& t : d.transports) {
      if (t.transport == "udp")
        f.Sample({"transport", t.transport}, static_cast<double>(t.totals.reanswered_smaller));
    }
  }
  {
    Family f(&out, "ecs_queries_total", "counter",
             "Replies by whether the query carried an EDNS Client Subnet option.");
    for (const TransportMetrics& t : d.transports) {
      f.Sample({"transport", t.transport, "ecs", "present"}, static_cast<double>(t.ecs_present));
      f.Sample({"transport", t.transport, "ecs", "absent"}, static_cast<double>(t.ecs_absent));
    }
  }
  {
    Family f(&out, "tcp_connections_total", "counter",
             "TCP connections: accepted, closed idle, evicted at the connection cap.");
    for (const TransportMetrics& t : d.transports) {
      if (t.transport != "tcp") continue;
      f.Sample({"event", "accepted"}, static_cast<double>(t.totals.tcp_accepted));
      f.Sample({"event", "idle_closed"}, static_cast<double>(t.totals.tcp_idle_closed));
      f.Sample({"event", "evicted"}, static_cast<double>(t.totals.tcp_evicted));
    }
  }
  {
    Family f(&out, "routed_answers_total", "counter",
             "Routed record set members answered, by name, region and reason (nearest, "
             "next_nearest_unhealthy|drained|down, default_row, unranked, fail_open, weighted, "
             "failover, multivalue, simple).");
    for (const RoutedMetric& m : d.routed)
      f.Sample({"name", m.name, "region", m.region, "reason", m.reason},
               static_cast<double>(m.count));
  }
  {
    Family f(&out, "routed_answers_unrecorded_total", "counter",
             "Routed answers not broken down by name because a worker's table was full.");
    f.Sample({}, static_cast<double>(d.routed_unrecorded));
  }
  {
    Family f(&out, "reloads_total", "counter",
             "Snapshots published, by source (api: control API change, sighup: file re-read).");
    f.Sample({"source", "api"}, static_cast<double>(d.reloads.api));
    f.Sample({"source", "sighup"}, static_cast<double>(d.reloads.sighup));
  }
  {
    Family f(&out, "reload_failures_total", "counter",
             "Changes and reloads refused (the previous data kept serving), by source.");
    f.Sample({"source", "api"}, static_cast<double>(d.reloads.api_failures));
    f.Sample({"source", "sighup"}, static_cast<double>(d.reloads.sighup_failures));
  }
  {
    Family f(&out, "default_latency_rankings_total", "counter",
             "Times the default latency table was ranked: at first use, when a region "
             "it does not rank comes into use, when its file changed.");
    f.Sample({}, static_cast<double>(d.reloads.default_latency_rankings));
  }
  {
    Family f(&out, "snapshot_generation", "gauge",
             "Snapshots published since start (1 = the initial one).");
    f.Sample({}, static_cast<double>(d.reloads.generation));
  }
  {
    Family f(&out, "zone_serial", "gauge", "SOA serial of each loaded zone.");
    for (const ZoneMetric& z : d.zones) f.Sample({"zone", z.origin}, z.serial);
  }
  {
    Family f(&out, "zone_records", "gauge", "Resource records in each loaded zone.");
    for (const ZoneMetric& z : d.zones)
      f.Sample({"zone", z.origin}, static_cast<double>(z.records));
  }
  {
    Family f(&out, "region_state", "gauge",
             "Admin state of each region: 1 for its current state (up, drain, down).");
    for (const RegionMetric& r : d.regions)
      for (const char* s : {"up", "drain", "down"})
        f.Sample({"region", r.name, "state", s}, r.state == s ? 1 : 0);
  }
  {
    Family f(&out, "region_last_answer_expiry_seconds", "gauge",
             "Latest expiry (time sent + TTL, Unix seconds) of any answer handed out for the "
             "region; 0 if none.");
    for (const RegionMetric& r : d.regions)
      f.Sample({"region", r.name}, static_cast<double>(r.last_expiry));
  }
  {
    Family f(&out, "health_check_healthy", "gauge",
             "State of each health check as routing reads it: 1 healthy, 0 unhealthy.");
    for (const HealthMetric& h : d.health_checks)
      f.Sample({"id", h.id, "type", h.type}, h.healthy ? 1 : 0);
  }
  {
    Family f(&out, "health_check_last_latency_seconds", "gauge",
             "Duration of each health check's last probe (connect to result), seconds.");
    for (const HealthMetric& h : d.health_checks)
      f.Sample({"id", h.id}, h.last_latency_seconds);
  }
  {
    Family f(&out, "health_check_checks_total", "counter",
             "Probe results recorded for each health check.");
    for (const HealthMetric& h : d.health_checks)
      f.Sample({"id", h.id}, static_cast<double>(h.checks));
  }
  {
    Family f(&out, "health_check_failures_total", "counter",
             "Probe results that failed (before Inverted), per health check.");
    for (const HealthMetric& h : d.health_checks)
      f.Sample({"id", h.id}, static_cast<double>(h.failures));
  }
  {
    Family f(&out, "dnssec_keys", "gauge",
             "DNSSEC keys loaded from --dnssec-keys, by zone and role (KSK, ZSK, CSK).");
    for (const DnssecKeyMetric& k : d.dnssec_keys)
      f.Sample({"zone", k.zone, "role", k.role}, static_cast<double>(k.keys));
  }
  {
    Family f(&out, "dnssec_expired_signatures", "gauge",
             "RRSIGs of a pre-signed zone's file past their expiration, served as they are.");
    for (const auto& [zone, n] : d.dnssec_expired_signatures)
      f.Sample({"zone", zone}, static_cast<double>(n));
  }
  if (d.transfers.has_value()) {
    const TransferTotals& t = *d.transfers;
    {
      Family f(&out, "zone_transfers_out_total", "counter",
               "Zone transfers served to secondaries, by outcome: axfr, ixfr (from the journal), "
               "up_to_date (IXFR answered with the SOA alone), refused (ACL, zone not served, "
               "transfer-routed refuse), bad_tsig, failed (the client went away or stalled).");
      f.Sample({"result", "axfr"}, static_cast<double>(t.out.axfr));
      f.Sample({"result", "ixfr"}, static_cast<double>(t.out.ixfr));
      f.Sample({"result", "up_to_date"}, static_cast<double>(t.out.up_to_date));
      f.Sample({"result", "refused"}, static_cast<double>(t.out.refused));
      f.Sample({"result", "bad_tsig"}, static_cast<double>(t.out.bad_tsig));
      f.Sample({"result", "failed"}, static_cast<double>(t.out.failed));
    }
    {
      Family f(&out, "zone_transfer_out_bytes_total", "counter",
               "Octets of zone transfer messages sent.");
      f.Sample({}, static_cast<double>(t.out.bytes));
    }
    {
      Family f(&out, "notify_out_total", "counter",
               "NOTIFY messages: sent, acknowledged by the secondary, failed (every retry "
               "unanswered or refused).");
      f.Sample({"result", "sent"}, static_cast<double>(t.out.notify_sent));
      f.Sample({"result", "acknowledged"}, static_cast<double>(t.out.notify_acknowledged));
      f.Sample({"result", "failed"}, static_cast<double>(t.out.notify_failed));
    }
    {
      Family f(&out, "zone_transfers_in_total", "counter",
               "Secondary zones: transfers from a primary committed, by kind.");
      f.Sample({"kind", "axfr"}, static_cast<double>(t.in.transfers_axfr));
      f.Sample({"kind", "ixfr"}, static_cast<double>(t.in.transfers_ixfr));
    }
    {
      Family f(&out, "zone_transfer_in_failures_total", "counter",
               "Secondary zones: failed refreshes and transfers, by reason (network, timeout, "
               "tsig, rcode, malformed, soa, ixfr, too_big, serial_backwards, commit).");
      for (const auto& [reason, n] : t.in.failures_by_reason)
        f.Sample({"reason", reason}, static_cast<double>(n));
    }
    {
      Family f(&out, "notify_in_total", "counter",
               "NOTIFY received for secondary zones: accepted (a refresh follows) or refused.");
      f.Sample({"result", "accepted"}, static_cast<double>(t.in.notifies_accepted));
      f.Sample({"result", "refused"}, static_cast<double>(t.in.notifies_refused));
    }
    {
      Family f(&out, "secondary_zone_serial", "gauge",
               "The SOA serial a secondary zone serves (0: not transferred yet).");
      for (const auto& z : d.secondary_zones) f.Sample({"zone", z.zone}, static_cast<double>(z.serial));
    }
    {
      Family f(&out, "secondary_zone_expired", "gauge",
               "1 while a secondary zone is past its SOA expire without a refresh (SERVFAIL).");
      for (const auto& z : d.secondary_zones) f.Sample({"zone", z.zone}, z.expired ? 1.0 : 0.0);
    }
  }
  return out;
}

}  // namespace dns::control
