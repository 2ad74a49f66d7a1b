// File: dns/answer/transfer_hooks.h
//
// What the query path asks of the zone-transfer side (dns/xfr, which
// implements it): whether a NOTIFY (RFC 1996) is accepted. The query path
// answers NOTIFY itself (HandleQuery): for a zone the snapshot does not
// serve NOTAUTH (as Knot; NSD says NXDOMAIN); otherwise OnNotify decides:
// accepted → NOERROR with AA echoing the question, refused → REFUSED (as
// NSD for a zone it is not a secondary of). A signed NOTIFY has its TSIG
// verified first (a bad one is answered NOTAUTH with the TSIG error
// before OnNotify is asked) and its reply signed.
//
// Thread safety: called concurrently from every worker, on the query
// path: lock-free, no allocation, no blocking (an eventfd write at most).
#ifndef STEERDNS_DNS_ANSWER_TRANSFER_HOOKS_H_
#define STEERDNS_DNS_ANSWER_TRANSFER_HOOKS_H_

#include "dns/answer/answer.h"
#include "dns/tsig/key.h"
#include "zones/zone.h"

namespace dns {

class TransferHooks {
 public:
  virtual ~TransferHooks() = default;

  // A NOTIFY for `zone` (its apex was the question) from `source`, signed
  // with `key` (verified; nullptr: unsigned). Returns whether it is
  // accepted: the zone is a secondary here, `source` is one of its
  // primaries and the key is the one configured for it. An accepted
  // NOTIFY should schedule a refresh (off this thread).
  virtual bool OnNotify(const zones::Zone& zone, const ClientAddress& source,
                        const tsig::Key* key) const noexcept = 0;
};

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_TRANSFER_HOOKS_H_
