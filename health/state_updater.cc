// File: health/state_updater.cc
#include "health/state_updater.h"

#include "absl/strings/str_cat.h"

namespace health {

StateUpdater::StateUpdater(int failure_threshold, bool inverted)
    : failure_threshold_(failure_threshold), inverted_(inverted), healthy_(!inverted) {}

StateUpdater StateUpdater::Disabled(bool inverted) {
  // Healthy (then Inverted) is already the state of a new check.
  StateUpdater s(1, inverted);
  s.has_result_ = true;
  s.last_ok_ = true;
  return s;
}

bool StateUpdater::Observe(bool ok) {
  ++checks_;
  if (!ok) ++failures_;
  consecutive_ = (has_result_ && last_ok_ == ok) ? consecutive_ + 1 : 1;
  last_ok_ = ok;
  last_was_first_ = !has_result_;
  has_result_ = true;
  const bool result = ok != inverted_;
  if (result == healthy_ || !(last_was_first_ || consecutive_ >= failure_threshold_)) return false;
  healthy_ = result;
  return true;
}

std::string StateUpdater::FlipReason() const {
  std::string why = last_was_first_ ? std::string("first result")
                                : absl::StrCat(consecutive_, " consecutive ",
                                               last_ok_ ? "successes" : "failures");
  if (inverted_) absl::StrAppend(&why, ", inverted");
  return why;
}

}  // namespace health
