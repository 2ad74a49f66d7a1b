// File: dns/wire/dns_time.h
//
// The YYYYMMDDHHmmSS form of a point in time (UTC) that DNS presentation
// formats use: RRSIG inception and expiration (RFC 4034 §3.2) and the
// timing fields of BIND's key files (Created, Publish, Activate, ...).
//
// Example:
//   int64_t t;
//   if (dns::TimeFromText("20261207120000", &t)) ...  // t == 1796644800
//   dns::TimeToText(t) == "20261207120000"
//
// Thread safety: plain functions.
#ifndef STEERDNS_DNS_WIRE_DNS_TIME_H_
#define STEERDNS_DNS_WIRE_DNS_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace dns {

// Exactly 14 digits YYYYMMDDHHmmSS, UTC, into seconds since the epoch.
// False for any other text, or a month, day, hour, minute or second out of
// range (a leap second 60 is accepted, as timegm() folds it).
bool TimeFromText(std::string_view text, int64_t* seconds);

// Seconds since the epoch as YYYYMMDDHHmmSS, UTC.
std::string TimeToText(int64_t seconds);

// Seconds since the epoch in UTC by strftime `format` (at most 63
// octets of output), e.g. "%Y-%m-%dT%H:%M:%SZ" for RFC 3339.
std::string FormatUtc(int64_t seconds, const char* format);

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_DNS_TIME_H_
