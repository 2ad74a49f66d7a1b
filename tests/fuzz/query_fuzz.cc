// libFuzzer target: the whole query path, parse → answer → encode, over the
// bundled example zones. Any crash, sanitizer report or out-of-bounds write
// is a bug. The reply must never exceed the buffer or the UDP size limit.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with clang -fsanitize=fuzzer
// for real fuzzing, and as an ordinary program (replay_main.cc) that runs
// the seed corpus in ctest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "dns/answer/answer.h"
#include "zones/master_file.h"

namespace {

const dns::Snapshot& FuzzSnapshot() {
  static const dns::Snapshot* snapshot = [] {
    auto* s = new dns::Snapshot();
    const char* dir = std::getenv("STEER_SOURCE_DIR");
    const std::string root = dir != nullptr ? dir : STEER_SOURCE_DIR_DEFAULT;
    for (const auto& [origin, file] :
         {std::pair<const char*, const char*>{"example.com.", "example.com.zone"},
          {"sub.example.com.", "sub.example.com.zone"}}) {
      auto zone = zones::LoadMasterFile(origin, root + "/examples/" + file);
      if (!zone.ok()) {
        std::fprintf(stderr, "fuzz: %s\n", std::string(zone.status().message()).c_str());
        std::abort();
      }
      s->zones.Put(*std::move(zone));
    }
    return s;
  }();
  return *snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t out[65535];
  const dns::Snapshot& snap = FuzzSnapshot();
  // The batch cache warming reads the same untrusted datagram first.
  dns::LookupPrefetch warm;
  dns::PrefetchQuestion(snap, data, size, &warm);
  dns::PrefetchNode(&warm);
  dns::PrefetchNodeData(warm);
  dns::Request udp;
  udp.transport = dns::Transport::kUdp;
  dns::Outcome outcome;
  size_t n = dns::HandleQuery(snap, data, size, udp, out, sizeof out, &outcome);
  if (n > 4096) std::abort();  // UDP replies never exceed the largest EDNS size we honour
  if (n > udp.max_udp_size && n > 512) std::abort();
  dns::Request tcp;
  tcp.transport = dns::Transport::kTcp;
  n = dns::HandleQuery(snap, data, size, tcp, out, sizeof out, &outcome);
  if (n > sizeof out) std::abort();
  return 0;
}
