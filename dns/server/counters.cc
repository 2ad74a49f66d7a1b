#include "dns/server/counters.h"

#include <algorithm>

namespace dns::server {
namespace {

// Slot i counts QTYPE kQtypes[i]; the last slot is everything else.
struct QtypeName {
  uint16_t type;
  const char* name;
};
constexpr QtypeName kQtypes[kQtypeSlots - 1] = {
    {1, "A"},      {2, "NS"},      {5, "CNAME"},  {6, "SOA"},   {12, "PTR"},
    {15, "MX"},    {16, "TXT"},    {28, "AAAA"},  {33, "SRV"},  {35, "NAPTR"},
    {43, "DS"},    {48, "DNSKEY"}, {64, "SVCB"},  {65, "HTTPS"}, {99, "SPF"},
    {251, "IXFR"}, {252, "AXFR"},  {255, "ANY"},  {257, "CAA"},
};

constexpr const char* kRcodeNames[kRcodeSlots] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",  "NOTZONE", "RCODE11",
    "RCODE12",  "RCODE13", "RCODE14", "RCODE15",  "BADVERS",
};

}  // namespace

size_t QtypeSlot(uint16_t qtype) noexcept {
  // Types 1..65 are dense enough for a switch to become a jump table.
  switch (qtype) {
    case 1: return 0;
    case 2: return 1;
    case 5: return 2;
    case 6: return 3;
    case 12: return 4;
    case 15: return 5;
    case 16: return 6;
    case 28: return 7;
    case 33: return 8;
    case 35: return 9;
    case 43: return 10;
    case 48: return 11;
    case 64: return 12;
    case 65: return 13;
    case 99: return 14;
    case 251: return 15;
    case 252: return 16;
    case 255: return 17;
    case 257: return 18;
    default: return kQtypeSlots - 1;
  }
}

const char* QtypeSlotName(size_t slot) {
  return slot < kQtypeSlots - 1 ? kQtypes[slot].name : "OTHER";
}

const char* RcodeSlotName(size_t slot) {
  return slot < kRcodeSlots ? kRcodeNames[slot] : "OTHER";
}

void MergeExpiry(absl::Span<const RegionExpiry* const> workers,
                 std::vector<uint32_t>* out) {
  out->assign(RegionExpiry::kCapacity, 0);
  for (const RegionExpiry* w : workers) {
    for (size_t r = 0; r < RegionExpiry::kCapacity; ++r)
      (*out)[r] = std::max((*out)[r], w->Get(static_cast<uint32_t>(r)));
  }
}

}  // namespace dns::server
