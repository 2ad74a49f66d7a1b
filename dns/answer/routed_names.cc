#include "dns/answer/routed_names.h"

#include "dns/wire/name.h"

namespace dns {

uint32_t RoutedNames::IdFor(std::string_view owner_wire) {
  absl::MutexLock lock(&mu_);
  const std::string key(owner_wire);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  if (names_.size() >= capacity_) return kNoRoutedName;
  const uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back(NameToText(owner_wire));
  ids_.emplace(key, id);
  return id;
}

std::string RoutedNames::Name(uint32_t id) const {
  absl::MutexLock lock(&mu_);
  return id < names_.size() ? names_[id] : std::string();
}

std::vector<std::string> RoutedNames::Names() const {
  absl::MutexLock lock(&mu_);
  return names_;
}

}  // namespace dns
