// File: dns/wire/dns_time.cc
#include "dns/wire/dns_time.h"

#include <ctime>

namespace dns {

bool TimeFromText(std::string_view text, int64_t* seconds) {
  if (text.size() != 14) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto num = [text](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  struct tm tm = {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(8, 2);
  tm.tm_min = num(10, 2);
  tm.tm_sec = num(12, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return false;
  }
  *seconds = static_cast<int64_t>(timegm(&tm));
  return true;
}

std::string TimeToText(int64_t seconds) { return FormatUtc(seconds, "%Y%m%d%H%M%S"); }

std::string FormatUtc(int64_t seconds, const char* format) {
  const time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  const size_t n = strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace dns
