// File: base/edit_distance.h
//
// Edit distance for "did you mean" hints: the optimal-string-alignment
// distance (insertions, deletions, substitutions and a transposition of two
// neighbours each count one), so "eu-wset-1" is 1 from "eu-west-1".
//
// Example:
//   base::EditDistance("eu-wset-1", "eu-west-1");  // 1
//
// Thread safety: pure functions.
#ifndef STEERDNS_BASE_EDIT_DISTANCE_H_
#define STEERDNS_BASE_EDIT_DISTANCE_H_

#include <cstddef>
#include <string_view>

namespace base {

// The optimal-string-alignment distance between `a` and `b`, octet by
// octet (case-sensitive). O(|a|·|b|) time; meant for short names.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace base

#endif  // STEERDNS_BASE_EDIT_DISTANCE_H_
