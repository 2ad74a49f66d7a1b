// File: dns/answer/routed_names.h
//
// RoutedNames: stable small ids for the owner names of routed record sets,
// so that the query path can count answers per routed name in fixed-size
// per-worker tables (dns/server/counters.h) without touching strings.
//
// Like geo::AdminStates, ids are handed out on first sight of a name (at
// snapshot build, on the control side) and never change or get reused, so
// counters keyed by id stay meaningful across reloads; a metrics scrape
// turns ids back into names. The capacity is fixed: past it, names get
// kNoRoutedName (their answers are counted under name="").
//
// Example:
//   dns::RoutedNames names;                 // lives as long as the server
//   uint32_t id = names.IdFor(owner_wire);  // BuildSnapshot
//   std::string text = names.Name(id);      // metrics: "app.example.com."
//
// Thread safety: every method takes an internal mutex; control side only
// (the query path only copies ids out of the snapshot).
#ifndef STEERDNS_DNS_ANSWER_ROUTED_NAMES_H_
#define STEERDNS_DNS_ANSWER_ROUTED_NAMES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace dns {

// "No id": a name past the registry's capacity, or no registry.
inline constexpr uint32_t kNoRoutedName = 0xFFFFFFFFu;

class RoutedNames {
 public:
  // 65536 routed names cost a few MiB of strings at most; a deployment
  // with more routed names than that counts the rest under name="".
  static constexpr size_t kDefaultCapacity = 65536;

  explicit RoutedNames(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  RoutedNames(const RoutedNames&) = delete;
  RoutedNames& operator=(const RoutedNames&) = delete;

  // The id of `owner_wire` (a lower-cased wire name), assigned on first
  // sight; kNoRoutedName once capacity() names are registered.
  uint32_t IdFor(std::string_view owner_wire) ABSL_LOCKS_EXCLUDED(mu_);
  // The presentation form of `id` ("" for kNoRoutedName or unassigned).
  std::string Name(uint32_t id) const ABSL_LOCKS_EXCLUDED(mu_);
  // Every name in id order (index = id), presentation form.
  std::vector<std::string> Names() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint32_t> ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);  // presentation
};

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_ROUTED_NAMES_H_
