// libFuzzer targets for every text format an operator (or the control API)
// hands the server: master files, Route 53 record sets and change batches,
// Route 53 health checks, latency and region CSVs, network locations. Each
// must either load or give an error; a crash, a sanitizer report or an
// error without a message is a bug.
//
// One source, one target per format: STEER_FUZZ_INPUT selects which
// (tests/fuzz/CMakeLists.txt, tests/answer/CMakeLists.txt for the replay
// of the seed corpora in ctest).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "health/health_checks.h"
#include "geo/build/latency_model.h"
#include "geo/latency_table.h"
#include "geo/build/location_table.h"
#include "geo/regions.h"
#include "zones/builder.h"
#include "zones/change_batch.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace {

// An error must say what is wrong.
void CheckError(const absl::Status& st) {
  if (!st.ok() && st.message().empty()) std::abort();
}

// example.com. as wire name.
[[maybe_unused]] const std::string& Origin() {
  static const std::string* origin = new std::string("\7example\3com\0", 13);
  return *origin;
}

// The zone the record sets and change batches are applied to.
[[maybe_unused]] constexpr char kBaseZone[] =
    "$ORIGIN example.com.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.1\n";

[[maybe_unused]] std::shared_ptr<const zones::Zone> BaseZone() {
  zones::ZoneBuilder b(Origin());
  if (!zones::ReadMasterText(kBaseZone, "base.zone", &b).ok()) std::abort();
  auto zone = std::move(b).Build();
  if (!zone.ok()) std::abort();
  return *zone;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
#if STEER_FUZZ_INPUT == 1  // master file text ($INCLUDE refused in text)
  zones::ZoneBuilder b(Origin());
  absl::Status st = zones::ReadMasterText(text, "fuzz.zone", &b);
  CheckError(st);
  if (st.ok()) CheckError(std::move(b).Build().status());
#elif STEER_FUZZ_INPUT == 2  // Route 53 record sets, then as a change batch
  {
    zones::ZoneBuilder b(Origin());
    if (!zones::ReadMasterText(kBaseZone, "base.zone", &b).ok()) std::abort();
    absl::Status st = zones::ReadRoute53JsonText(text, "fuzz.json", &b);
    CheckError(st);
    if (st.ok()) CheckError(std::move(b).Build().status());
  }
  static const std::shared_ptr<const zones::Zone> base = BaseZone();
  CheckError(zones::ApplyChangeBatch(*base, text, "fuzz-batch.json").status());
#elif STEER_FUZZ_INPUT == 3  // Route 53 health checks
  CheckError(health::HealthChecksConfig::Parse(text, "fuzz-checks.json").status());
#elif STEER_FUZZ_INPUT == 4  // latency, regions and network locations CSV
  CheckError(geo::LatencyTable::ParseCsv(text, "fuzz-latency.csv").status());
  {
    geo::AdminStates ids(64);  // fresh per input: names never run out
    CheckError(geo::RegionRegistry::ParseCsv(text, "fuzz-regions.csv", ids).status());
  }
  static geo::AdminStates* admin = new geo::AdminStates();
  static const std::shared_ptr<const geo::RegionRegistry> known = [] {
    auto r = geo::RegionRegistry::ParseCsv(
        "region,latitude,longitude\nus-east-1,38.9,-77.4\neu-west-1,53.3,-6.3\n"
        "ap-southeast-1,1.3,103.8\n",
        "known-regions.csv", *admin);
    if (!r.ok()) std::abort();
    return *r;
  }();
  CheckError(geo::ParseLocationLatencyTable(text, "fuzz-locations.csv", *known,
                                            geo::kDefaultDistanceModel)
                 .status());
#else
#error "STEER_FUZZ_INPUT must be 1..4"
#endif
  return 0;
}
