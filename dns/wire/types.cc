// File: dns/wire/types.cc
#include "dns/wire/types.h"

#include <cstdio>

namespace dns {

namespace {

const char* KnownTypeName(uint16_t type) {
  switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 24: return "SIG";
    case 25: return "KEY";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 39: return "DNAME";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 53: return "SMIMEA";
    case 55: return "HIP";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 108: return "EUI48";
    case 109: return "EUI64";
    case 128: return "NXNAME";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    default: return nullptr;
  }
}

}  // namespace

const char* RRTypeName(uint16_t type, char (&buf)[16]) {
  if (const char* name = KnownTypeName(type)) return name;
  std::snprintf(buf, sizeof buf, "TYPE%u", static_cast<unsigned>(type));
  return buf;
}

}  // namespace dns
