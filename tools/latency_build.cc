// steer-latency-build: compiles a latency table CSV (network,region,rtt_ms)
// from IP geolocation data, region coordinates, a distance model and
// measured RTTs. The same flags as `zonectl latency build`; see
// geo/build/latency_builder.h and `steer-latency-build --help`.
//
//   steer-latency-build --geoip /usr/share/tor/geoip
//       --geoip /usr/share/tor/geoip6 --out build/default-latency.csv
#include <cstdio>
#include <string>
#include <vector>

#include "tools/latency_build_command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return geo::RunLatencyBuildCommand("steer-latency-build", args, stdout, stderr);
}
