// File: health/state_updater.h
//
// StateUpdater: one check's state (healthy or not) from its raw results,
// by Route 53's rules. Pure: no clock, no I/O; the prober feeds it one
// result per probe (or per CALCULATED evaluation) and logs its flips.
//
//   - A new check is healthy until its first result, an Inverted one
//     unhealthy. The first result then sets the state.
//   - After that the state flips only after FailureThreshold consecutive
//     results that disagree with it (hysteresis, both ways).
//   - Inverted flips every result before the above.
//   - Disabled: never observes; its one result is "passed" from the start,
//     then Inverted applies (Disabled + Inverted is always unhealthy).
//   - CALCULATED checks use FailureThreshold 1: no hysteresis.
//
// Example:
//   health::StateUpdater state(/*failure_threshold=*/2, /*inverted=*/false);
//   state.Observe(false);  // true: the first result sets the state
//   state.Observe(true);   // false: 1 success, threshold 2
//   state.Observe(true);   // true: healthy again; FlipReason() is
//                          // "2 consecutive successes"
//
// Thread safety: none; one owner.
#ifndef STEERDNS_HEALTH_STATE_UPDATER_H_
#define STEERDNS_HEALTH_STATE_UPDATER_H_

#include <cstdint>
#include <string>

namespace health {

class StateUpdater {
 public:
  // `failure_threshold` >= 1 (HealthCheckConfig validates it).
  StateUpdater(int failure_threshold, bool inverted);
  // A Disabled check's state: has its result, passed, never probed.
  static StateUpdater Disabled(bool inverted);

  // Records one raw result (true = the endpoint passed, before Inverted).
  // Returns true if healthy() flipped.
  bool Observe(bool ok);

  // Why the last Observe() flipped the state: "first result",
  // "2 consecutive failures", "3 consecutive successes"; Inverted appends
  // ", inverted".
  std::string FlipReason() const;

  // The state (after Inverted and hysteresis).
  bool healthy() const { return healthy_; }
  // At least one result (or Disabled).
  bool has_result() const { return has_result_; }
  // The last raw result (before Inverted).
  bool last_ok() const { return last_ok_; }
  // How many results in a row had last_ok()'s value.
  int consecutive() const { return consecutive_; }
  // Results observed, and how many of them failed (before Inverted).
  uint64_t checks() const { return checks_; }
  uint64_t failures() const { return failures_; }

 private:
  int failure_threshold_;
  bool inverted_;
  bool healthy_;
  bool has_result_ = false;
  bool last_ok_ = false;
  bool last_was_first_ = false;  // the last Observe() was the first result
  int consecutive_ = 0;
  uint64_t checks_ = 0;
  uint64_t failures_ = 0;
};

}  // namespace health

#endif  // STEERDNS_HEALTH_STATE_UPDATER_H_
