// File: dns/xfr/xfr_client.h
//
// The network side of an incoming transfer, one primary at a time:
//   QuerySoa   the primary's SOA of a zone over UDP (TCP when truncated),
//              the refresh check of RFC 1034 §4.3.5 / RFC 1996 §3.11.
//   FetchZone  IXFR over TCP with our copy's SOA (RFC 1995 §3), falling back
//              to AXFR (RFC 5936) when the primary refuses IXFR (NOTIMP,
//              FORMERR, REFUSED, ...) or its difference sequence does not
//              apply to our copy; AXFR alone when we have no copy.
// With a TSIG key (dns/tsig), every request is signed and every response
// message verified (RFC 8945 §5.3.1: the first and last must be signed).
// Blocking calls with deadlines (poll); nothing is returned but a whole,
// checked zone (xfr_stream.h). Errors carry the reason word of
// TransferErrorReason: "timeout: ...", "network: ...", "tsig: ...", and the
// stream's "malformed", "rcode", "soa", "ixfr", "too_big".
//
// Example:
//   absl::StatusOr<SoaFields> soa = dns::xfr::QuerySoa(primary, key, origin_wire, {});
//   if (soa.ok() && zones::SerialNewer(soa->serial, copy->serial()))
//     absl::StatusOr<FetchResult> r = dns::xfr::FetchZone(primary, key, origin_wire, copy, {});
//
// Thread safety: free functions; each call uses its own sockets.
#ifndef STEERDNS_DNS_XFR_XFR_CLIENT_H_
#define STEERDNS_DNS_XFR_XFR_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dns/tsig/key.h"
#include "dns/xfr/transfer_config.h"
#include "dns/xfr/xfr_stream.h"

namespace dns::xfr {

struct ClientOptions {
  absl::Duration query_timeout = absl::Seconds(5);   // SOA query; connect; one TCP read
  absl::Duration transfer_timeout = absl::Minutes(10);  // a whole transfer
  TransferLimits limits;
  // When set and true, waits end early with "timeout: cancelled" (checked
  // at least every 200 ms): how the scheduler's Stop() ends a transfer.
  const std::atomic<bool>* cancel = nullptr;
};

// The primary's SOA of `origin_wire` (its answer section's apex SOA),
// signed with `key` when not null.
absl::StatusOr<SoaFields> QuerySoa(const Endpoint& primary, const tsig::Key* key,
                                   std::string_view origin_wire, const ClientOptions& options);

struct FetchResult {
  StreamResult stream;     // kind, zone (null when up to date), records
  size_t bytes = 0;        // message octets received (all attempts)
  size_t messages = 0;
  std::string ixfr_fallback;  // why an IXFR attempt fell back to AXFR, or ""
};

// Transfers `origin_wire` from `primary`: IXFR from `base` when given, else
// (or on fallback) AXFR.
absl::StatusOr<FetchResult> FetchZone(const Endpoint& primary, const tsig::Key* key,
                                      std::string_view origin_wire, const ZoneCopy* base,
                                      const ClientOptions& options);

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_XFR_CLIENT_H_
