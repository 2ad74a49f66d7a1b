// File: dns/control/metrics.h
//
// `GET /metrics`: Prometheus text exposition format 0.0.4. Two steps, so
// the text can be tested without a server:
//
//   CollectMetrics(server, state)  sums the per-worker counters (each worker
//                                  is the only writer of its own; nothing on
//                                  the query path is shared or locked) and
//                                  reads control-side state;
//   FormatMetrics(data)            renders it, every family with # HELP and
//                                  # TYPE, label values escaped.
//
// Families (all prefixed steerdns_):
//   queries_total{transport,qtype,rcode}        replies sent (qtype: A, AAAA,
//                                               ..., OTHER)
//   queries_received_total{transport}           messages handed to the engine
//   queries_dropped_total{transport,reason}     no reply: malformed | other
//   truncated_total{transport}                  replies with TC
//   ecs_queries_total{transport,ecs}            replies by ECS present|absent
//   routed_answers_total{name,region,reason}    routed members answered;
//                                               reason: see dns::RouteReason
//   routed_answers_unrecorded_total             past the per-worker table
//   tcp_connections_total{event}                accepted | idle_closed | evicted
//   reloads_total{source}, reload_failures_total{source}   api | sighup
//   default_latency_rankings_total              default table ranked (regions
//                                               in use changed, or its file)
//   snapshot_generation                         snapshots published
//   zone_serial{zone}, zone_records{zone}
//   region_state{region,state}                  1 for the current state
//   region_last_answer_expiry_seconds{region}   drain tracking (Unix time)
//   health_check_healthy{id,type}               1 healthy, 0 unhealthy (what
//                                               the query path reads)
//   health_check_last_latency_seconds{id}       last probe, connect to result
//   health_check_checks_total{id}               probe results
//   health_check_failures_total{id}             failed results (before Inverted)
//   dnssec_keys{zone,role}                      keys loaded from --dnssec-keys,
//                                               by zone and KSK | ZSK | CSK
//   start_time_seconds, build_info{version}
//
// Thread safety: CollectMetrics may run on any control thread.
#ifndef STEERDNS_DNS_CONTROL_METRICS_H_
#define STEERDNS_DNS_CONTROL_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/control/control_state.h"
#include "dns/control/zone_transfers.h"
#include "dns/server/counters.h"
#include "dns/server/server.h"

namespace dns::control {

struct TransportMetrics {
  std::string transport;  // "udp" | "tcp"
  dns::server::CounterTotals totals;
  std::array<std::array<uint64_t, dns::server::kRcodeSlots>, dns::server::kQtypeSlots>
      by_qtype_rcode{};
  uint64_t dropped_malformed = 0;
  uint64_t ecs_present = 0, ecs_absent = 0;
};

struct RoutedMetric {
  std::string name, region, reason;
  uint64_t count = 0;
};

struct ZoneMetric {
  std::string origin;
  uint32_t serial = 0;
  size_t records = 0;
};

struct RegionMetric {
  std::string name;
  std::string state;          // "up" | "drain" | "down"
  uint32_t last_expiry = 0;   // Unix seconds; 0 = never answered
};

struct HealthMetric {
  std::string id, type;
  bool healthy = true;
  double last_latency_seconds = 0;
  uint64_t checks = 0, failures = 0;
};

struct DnssecKeyMetric {
  std::string zone, role;  // presentation form; "KSK" | "ZSK" | "CSK"
  size_t keys = 0;
};

struct MetricsData {
  std::string version;
  double start_time_seconds = 0;
  std::vector<TransportMetrics> transports;
  std::vector<RoutedMetric> routed;  // sorted by (name, region, reason)
  uint64_t routed_unrecorded = 0;
  std::vector<ZoneMetric> zones;
  std::vector<RegionMetric> regions;
  std::vector<HealthMetric> health_checks;  // config order
  std::vector<DnssecKeyMetric> dnssec_keys;  // by zone (wire order), then role
  // Zone (presentation form) -> expired RRSIGs of a pre-signed zone's file.
  std::map<std::string, size_t> dnssec_expired_signatures;
  ReloadCounts reloads;
  // Zone transfers (dns/control/zone_transfers.h); absent without them.
  std::optional<TransferTotals> transfers;
  // Secondary zones: (origin, serial, expired).
  struct SecondaryZoneMetric {
    std::string zone;
    uint32_t serial = 0;
    bool expired = false;
  };
  std::vector<SecondaryZoneMetric> secondary_zones;
};

// Reads everything. `server` may be null (no DNS counters).
MetricsData CollectMetrics(const dns::server::Server* server, const ControlState& state,
                           std::string version, double start_time_seconds,
                           const ZoneTransfers* transfers = nullptr);

// The exposition text (ends with a newline).
std::string FormatMetrics(const MetricsData& data);

// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view v);

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_METRICS_H_
