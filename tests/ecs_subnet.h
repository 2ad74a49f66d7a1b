// File: tests/ecs_subnet.h
//
// EDNS Client Subnet (RFC 7871 §6) prefixes as the tests write them
// ("198.51.100.0/24", "2001:db8::/48"), for the in-process answer tests and
// the end-to-end clients alike. Header-only; no steerdns code.
//
//   steer_test::EcsSubnet s = steer_test::ParseEcsPrefix("198.51.100.0/24");
//   // s.family == 1, s.source == 24, s.scope == 0, s.address == {198, 51, 100}
//   std::optional<steer_test::EcsSubnet> echoed = steer_test::ReadEcsOption(data);
#ifndef STEERDNS_TESTS_ECS_SUBNET_H_
#define STEERDNS_TESTS_ECS_SUBNET_H_

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace steer_test {

// The fields of an ECS option: FAMILY (1 IPv4, 2 IPv6), SOURCE and SCOPE
// PREFIX-LENGTH, and the significant octets of ADDRESS.
struct EcsSubnet {
  uint16_t family = 1;
  uint8_t source = 0;
  uint8_t scope = 0;
  std::vector<uint8_t> address;
};

// `prefix` as an ECS subnet with scope 0: ceil(source/8) octets of the
// address. An address inet_pton does not read is a test failure.
inline EcsSubnet ParseEcsPrefix(const std::string& prefix) {
  EcsSubnet s;
  const size_t slash = prefix.find('/');
  const std::string addr = prefix.substr(0, slash);
  s.source = static_cast<uint8_t>(std::stoi(prefix.substr(slash + 1)));
  uint8_t bytes[16] = {};
  if (addr.find(':') != std::string::npos) {
    s.family = 2;
    EXPECT_EQ(inet_pton(AF_INET6, addr.c_str(), bytes), 1) << addr;
  } else {
    EXPECT_EQ(inet_pton(AF_INET, addr.c_str(), bytes), 1) << addr;
  }
  s.address.assign(bytes, bytes + (s.source + 7) / 8);
  return s;
}

// The data of an ECS option (FAMILY, SOURCE, SCOPE, ADDRESS) as an
// EcsSubnet; nullopt if it is shorter than the four fixed octets.
inline std::optional<EcsSubnet> ReadEcsOption(const std::vector<uint8_t>& data) {
  if (data.size() < 4) return std::nullopt;
  EcsSubnet s;
  s.family = static_cast<uint16_t>(data[0] << 8 | data[1]);
  s.source = data[2];
  s.scope = data[3];
  s.address.assign(data.begin() + 4, data.end());
  return s;
}

}  // namespace steer_test

#endif  // STEERDNS_TESTS_ECS_SUBNET_H_
