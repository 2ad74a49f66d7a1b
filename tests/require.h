// File: tests/require.h
//
// STEER_REQUIRE(condition, why): a precondition of a test that the machine
// must provide (root, a tool such as dig or promtool, AF_XDP, network
// namespaces). Where it is missing the test is skipped on a developer's
// machine but FAILS under STEER_TEST_STRICT=1, which scripts/test.sh (the
// README's test command, and so CI) sets: CI runs as root with every tool
// the set-up script installs, so a missing one there is a broken set-up,
// not a reason to pass quietly.
//
//   STEER_REQUIRE(access("/usr/bin/dig", X_OK) == 0, "dig is not installed");
//
// Use it in a TEST body or SetUp (it returns from the function).
#ifndef STEERDNS_TESTS_REQUIRE_H_
#define STEERDNS_TESTS_REQUIRE_H_

#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"

namespace steer_test {

// True when missing preconditions must fail tests (STEER_TEST_STRICT=1).
inline bool StrictPreconditions() {
  const char* v = std::getenv("STEER_TEST_STRICT");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace steer_test

#define STEER_REQUIRE(condition, why)                                        \
  if (condition) {                                                           \
  } else if (::steer_test::StrictPreconditions()) {                          \
    FAIL() << "precondition missing (STEER_TEST_STRICT=1): " << why;         \
  } else                                                                     \
    GTEST_SKIP() << why

#endif  // STEERDNS_TESTS_REQUIRE_H_
