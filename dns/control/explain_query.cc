#include "dns/control/explain_query.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dns/answer/answer.h"
#include "dns/answer/explain.h"
#include "dns/control/explain_json.h"
#include "dns/wire/name.h"
#include "geo/address.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace dns::control {

absl::StatusOr<std::string> ExplainQuery(const Snapshot& snapshot, const ExplainRequest& req) {
  const ldns_rr_type type = ldns_get_rr_type_by_name(req.type.c_str());
  if (type == 0) return absl::InvalidArgumentError(absl::StrCat("unknown type '", req.type, "'"));
  std::string qname;
  if (req.name.empty() || !NameFromText(req.name, &qname)) {
    return absl::InvalidArgumentError(absl::StrCat("bad name '", req.name, "'"));
  }
  Request request;
  request.transport = Transport::kTcp;  // the whole answer, never TC
  if (!req.client.empty()) {
    std::optional<geo::Address> a = geo::Address::Parse(req.client);
    if (!a.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("bad client '", req.client, "'"));
    }
    uint8_t bytes[16];
    a->ToBytes(bytes);
    request.source.is_v6 = !a->is_v4();
    if (a->is_v4()) {
      std::copy(bytes + 12, bytes + 16, request.source.bytes);
    } else {
      std::copy(bytes, bytes + 16, request.source.bytes);
    }
  }

  // The query: RD clear, EDNS (DO as asked), ECS when a subnet is given.
  std::vector<uint8_t> q = {0x5e, 0xed, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  const size_t opt_at = q.size() + qname.size() + 4;
  q.insert(q.end(), qname.begin(), qname.end());
  q.push_back(static_cast<uint8_t>(type >> 8));
  q.push_back(static_cast<uint8_t>(type));
  q.push_back(0);
  q.push_back(1);
  if (req.subnet.empty()) {
    const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    q.insert(q.end(), std::begin(opt), std::end(opt));
  } else {
    absl::StatusOr<geo::Prefix> prefix = geo::Prefix::Parse(req.subnet, /*allow_host_bits=*/true);
    if (!prefix.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad subnet '", req.subnet, "': ", prefix.status().message()));
    }
    const bool v4 = prefix->is_v4();
    const int len = prefix->length();
    uint8_t addr[16];
    prefix->address().Masked(len).ToBytes(addr);
    const uint8_t* bytes = v4 ? addr + 12 : addr;
    const int alen = (len + 7) / 8;
    const int optlen = 4 + alen;
    const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0,
                           static_cast<uint8_t>(4 + optlen),
                           0, 8, 0, static_cast<uint8_t>(optlen), 0,
                           static_cast<uint8_t>(v4 ? 1 : 2),
                           static_cast<uint8_t>(len), 0};
    q.insert(q.end(), std::begin(opt), std::end(opt));
    q.insert(q.end(), bytes, bytes + alen);
  }
  if (req.dnssec_ok) q[opt_at + 7] = 0x80;  // the OPT TTL's flags: DO
  Trace trace;
  std::vector<uint8_t> out(65535);
  const size_t n = HandleQuery(snapshot, q.data(), q.size(), request, out.data(), out.size(),
                               nullptr, &trace);
  return ExplainJson(trace, out.data(), n,
                     req.health_reasons.empty() ? nullptr : &req.health_reasons);
}

}  // namespace dns::control
