#include "dns/answer/online_signing.h"

#include <algorithm>
#include <array>
#include <random>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/ds.h"
#include "dns/dnssec/nsec.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/dns_time.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/zone_signatures.h"

namespace dns {
namespace {

// The types the KSKs sign (RFC 4033 §2; RFC 7344 §4.1 for CDS/CDNSKEY).
bool SignedByKsk(uint16_t type) {
  return type == rrtype::kDNSKEY || type == dnssec::rrtype::kCDS ||
         type == dnssec::rrtype::kCDNSKEY;
}

// A compact-denial or chain NSEC: RDATA `next` + the bitmap of `types`
// into *nsec_rdata, its RRSIGs by each of `signers` into *rrsigs.
absl::Status MakeSignedNsec(absl::Span<dnssec::Signer* const> signers, uint32_t inception,
                            uint32_t expiration, std::string_view owner, std::string_view next,
                            absl::Span<const uint16_t> types, uint32_t ttl,
                            std::string* nsec_rdata, std::vector<std::string>* rrsigs) {
  nsec_rdata->assign(next);
  dnssec::AppendTypeBitmap(types, nsec_rdata);
  const std::string_view one[1] = {*nsec_rdata};
  dnssec::RrsetView view;
  view.owner = owner;
  view.type = rrtype::kNSEC;
  view.ttl = ttl;
  view.rdatas = one;
  std::string rrsig;
  for (dnssec::Signer* signer : signers) {
    if (absl::Status s = signer->Sign(view, inception, expiration, &rrsig); !s.ok())
      return absl::InternalError(
          absl::StrCat("signing the NSEC of ", NameToText(owner), ": ", s.message()));
    rrsigs->push_back(rrsig);
  }
  return absl::OkStatus();
}

std::string TimeText(int64_t t) { return FormatUtc(t, "%Y-%m-%d %H:%M:%S UTC"); }

}  // namespace

dnssec::RrsetView RrsetViewOf(std::string_view owner, const zones::RRset& set,
                              std::vector<std::string_view>* rdatas) {
  rdatas->clear();
  for (uint16_t i = 0; i < set.count; ++i) rdatas->push_back(set.rdata(i));
  dnssec::RrsetView view;
  view.owner = owner;
  view.type = set.type;
  view.ttl = set.ttl;
  view.rdatas = *rdatas;
  return view;
}

absl::StatusOr<SignedZone> SignZone(std::shared_ptr<const zones::Zone> zone,
                                    const std::vector<dnssec::KeyPair>& keys,
                                    const SigningPolicy& policy, int64_t now, uint64_t seed) {
  const std::string zone_text = NameToText(zone->origin());
  SignedZone out;
  ZoneSigning& info = out.signing;
  info.online = zone->dnssec() == nullptr;
  info.signed_at = now;

  // Which keys are published and which sign, by their timing.
  std::vector<dnssec::KeyPair> published;
  std::vector<const dnssec::KeyPair*> ksks, zsks;
  int64_t next_event = now + policy.refresh;
  for (const dnssec::KeyPair& k : keys) {
    const dnssec::KeyState state = dnssec::KeyStateAt(k.timing, now);
    if (const int64_t e = dnssec::NextKeyEvent(k.timing, now); e != 0)
      next_event = std::min(next_event, e);
    if (dnssec::KeyPublished(state)) published.push_back(k);
    if (!dnssec::KeySigns(state)) continue;
    if (k.role != dnssec::KeyRole::kZsk) ksks.push_back(&k);
    if (k.role != dnssec::KeyRole::kKsk) zsks.push_back(&k);
  }
  // A zone whose ZSKs are not (or no longer) active is signed by its KSKs
  // alone, and one without an active KSK by its ZSKs: better a working
  // signature than none.
  if (zsks.empty()) zsks = ksks;
  if (ksks.empty()) ksks = zsks;
  if (zsks.empty())
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", zone_text, ": none of its ", keys.size(),
        " DNSSEC keys is active at ", TimeText(now), " (see `zonectl dnssec status`)"));
  info.next_event = next_event;
  info.zsks = zsks;
  for (const dnssec::KeyPair* k : ksks) info.ksk_tags.push_back(k->key_tag);

  // Validity, with this zone's jitter.
  std::mt19937_64 rng(seed ^ std::hash<std::string>{}(zone->origin()));
  const uint32_t jitter =
      policy.jitter == 0 ? 0 : static_cast<uint32_t>(rng() % (uint64_t{policy.jitter} + 1));
  info.inception = static_cast<uint32_t>(now - policy.inception_offset);
  info.expiration = static_cast<uint32_t>(now + policy.validity + jitter);

  // One signer per key.
  std::vector<std::pair<const dnssec::KeyPair*, std::unique_ptr<dnssec::Signer>>> signers;
  const auto signer_of = [&](const dnssec::KeyPair* k) -> absl::StatusOr<dnssec::Signer*> {
    for (auto& [key, signer] : signers)
      if (key == k) return signer.get();
    absl::StatusOr<std::unique_ptr<dnssec::Signer>> s = dnssec::Signer::Create(*k);
    if (!s.ok())
      return absl::InternalError(absl::StrCat("zone ", zone_text, ": key ", k->key_path, ": ",
                                              s.status().message()));
    signers.emplace_back(k, std::move(*s));
    return signers.back().second.get();
  };

  zones::OnlineSigning what;
  what.sign_static = info.online;
  if (info.online) {
    uint32_t ttl = policy.dnskey_ttl;
    for (const dnssec::KeyPair& k : published)
      if (k.dnskey.has_ttl) {
        ttl = k.dnskey.ttl;
        break;
      }
    std::vector<std::string> dnskeys;
    for (const dnssec::KeyPair& k : published) dnskeys.push_back(k.dnskey.Rdata());
    what.apex_rrsets.push_back(zones::MakeRRset(rrtype::kDNSKEY, ttl, dnskeys));
    info.published_keys = dnskeys.size();
    absl::StatusOr<dnssec::ChildSyncRecords> sync = dnssec::MakeChildSyncRecords(published);
    if (!sync.ok()) return sync.status();
    if (!sync->cds.empty()) {
      what.apex_rrsets.push_back(zones::MakeRRset(dnssec::rrtype::kCDS, ttl, sync->cds));
      what.apex_rrsets.push_back(
          zones::MakeRRset(dnssec::rrtype::kCDNSKEY, ttl, sync->cdnskey));
    }
  }

  std::vector<std::string_view> rdatas;
  std::string rrsig;
  // Each name's NODATA NSEC, made now so that a NODATA costs no signature.
  std::vector<dnssec::Signer*> zsk_signers;
  for (const dnssec::KeyPair* k : zsks) {
    absl::StatusOr<dnssec::Signer*> signer = signer_of(k);
    if (!signer.ok()) return signer.status();
    zsk_signers.push_back(*signer);
  }
  // (The lambda is named: a FunctionRef only refers to it.)
  const auto make_nsec =
      [&](std::string_view owner, std::string_view next, absl::Span<const uint16_t> types,
          uint32_t ttl, std::string* nsec_rdata, std::vector<std::string>* rrsigs) -> absl::Status {
        absl::Status s = MakeSignedNsec(zsk_signers, info.inception, info.expiration, owner, next,
                                        types, ttl, nsec_rdata, rrsigs);
        if (!s.ok()) return absl::InternalError(absl::StrCat("zone ", zone_text, ": ", s.message()));
        info.signatures += rrsigs->size();
        return absl::OkStatus();
      };
  const zones::MakeNsecFn make_nodata_nsec = make_nsec;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> signed_zone = zones::WithOnlineSignatures(
      *zone, std::move(what),
      [&](std::string_view owner, const zones::RRset& set,
          std::vector<std::string>* sigs) -> absl::Status {
        const dnssec::RrsetView view = RrsetViewOf(owner, set, &rdatas);
        for (const dnssec::KeyPair* k : SignedByKsk(set.type) ? ksks : zsks) {
          absl::StatusOr<dnssec::Signer*> signer = signer_of(k);
          if (!signer.ok()) return signer.status();
          if (absl::Status s = (*signer)->Sign(view, info.inception, info.expiration, &rrsig);
              !s.ok()) {
            char type[16];
            return absl::InternalError(absl::StrCat("zone ", zone_text, ": signing ",
                                                    NameToText(owner), " ",
                                                    RRTypeName(set.type, type), ": ",
                                                    s.message()));
          }
          sigs->push_back(rrsig);
          ++info.signatures;
        }
        return absl::OkStatus();
      },
      &make_nodata_nsec);
  if (!signed_zone.ok()) return signed_zone.status();
  out.zone = std::move(*signed_zone);
  return out;
}

absl::StatusOr<std::shared_ptr<const zones::Zone>> SignedZoneForExport(
    const zones::Zone& zone, const ZoneSigning* signing) {
  if (zone.dnssec() == nullptr) return std::shared_ptr<const zones::Zone>(nullptr);
  std::vector<std::unique_ptr<dnssec::Signer>> owned;
  std::vector<dnssec::Signer*> signers;
  if (signing != nullptr) {
    for (const dnssec::KeyPair* k : signing->zsks) {
      absl::StatusOr<std::unique_ptr<dnssec::Signer>> s = dnssec::Signer::Create(*k);
      if (!s.ok()) return s.status();
      owned.push_back(*std::move(s));
      signers.push_back(owned.back().get());
    }
  }
  const std::string zone_text = NameToText(zone.origin());
  const uint32_t inception = signing != nullptr ? signing->inception : 0;
  const uint32_t expiration = signing != nullptr ? signing->expiration : 0;
  return zones::MaterializeSignatures(
      zone, [&](std::string_view owner, std::string_view next, absl::Span<const uint16_t> types,
                uint32_t ttl, std::string* nsec_rdata,
                std::vector<std::string>* rrsigs) -> absl::Status {
        absl::Status s = MakeSignedNsec(signers, inception, expiration, owner, next, types, ttl,
                                        nsec_rdata, rrsigs);
        if (!s.ok()) return absl::InternalError(absl::StrCat("zone ", zone_text, ": ", s.message()));
        return absl::OkStatus();
      });
}

ExpiredSignatures FindExpiredSignatures(const zones::Zone& zone, int64_t now) {
  ExpiredSignatures out;
  if (zone.dnssec() == nullptr) return out;
  const uint32_t now32 = static_cast<uint32_t>(now);
  const auto check = [&](std::string_view owner, const zones::RRset& set) {
    const zones::RRset* sigs = zone.SignaturesOf(set);
    if (sigs == nullptr) return;
    for (uint16_t i = 0; i < sigs->count; ++i) {
      dnssec::RrsigFields f;
      std::string_view signature;
      if (!dnssec::ParseRrsigRdata(sigs->rdata(i), &f, &signature)) continue;
      const int32_t left = static_cast<int32_t>(f.expiration - now32);
      if (left >= 0) {
        const int64_t at = now + left;
        if (out.next_expiration == 0 || at < out.next_expiration) out.next_expiration = at;
        continue;
      }
      if (out.expired++ == 0) {
        char type[16];
        out.first = absl::StrCat(NameToText(owner), " ", RRTypeName(set.type, type),
                                 " (expired ", TimeText(now + left), ")");
      }
    }
  };
  for (size_t n = 0; n < zone.node_count(); ++n) {
    const zones::Node& node = zone.node(n);
    for (const zones::RRset& set : node.rrsets) check(node.owner, set);
  }
  return out;
}

bool SignForQuery(const dnssec::KeyPair& key, const dnssec::RrsetView& rrset,
                  uint32_t inception, uint32_t expiration, std::string* rrsig_rdata) noexcept {
  // The thread's signers, one per private key met: the shared_ptr keeps
  // the key alive, so a pointer match is never a recycled address.
  struct Entry {
    std::shared_ptr<const dnssec::PrivateKey> key;
    const dnssec::KeyPair* pair = nullptr;
    std::unique_ptr<dnssec::Signer> signer;
  };
  static thread_local std::array<Entry, 8> cache;
  static thread_local size_t next_victim = 0;
  Entry* hit = nullptr;
  for (Entry& e : cache) {
    if (e.key.get() == key.private_key.get() && e.signer != nullptr &&
        e.signer->key_tag() == key.key_tag) {
      hit = &e;
      break;
    }
  }
  if (hit == nullptr) {
    absl::StatusOr<std::unique_ptr<dnssec::Signer>> s = dnssec::Signer::Create(key);
    if (!s.ok()) return false;
    hit = &cache[next_victim];
    next_victim = (next_victim + 1) % cache.size();
    hit->key = key.private_key;
    hit->pair = &key;
    hit->signer = std::move(*s);
  }
  return hit->signer->Sign(rrset, inception, expiration, rrsig_rdata).ok();
}

}  // namespace dns
