// File: tests/geo/build/test_regions.h
//
// A regions CSV (region,latitude,longitude) shared by the geo/build tests
// and the end-to-end `zonectl latency build` test: three regions on three
// continents, and one without a location (never ranked).
#ifndef STEERDNS_TESTS_GEO_BUILD_TEST_REGIONS_H_
#define STEERDNS_TESTS_GEO_BUILD_TEST_REGIONS_H_

namespace geo::testing {

inline constexpr char kThreeRegionsCsv[] =
    "region,latitude,longitude\n"
    "eu-west-1,53.35,-6.26\n"        // Dublin
    "us-east-1,38.9,-77.4\n"         // Virginia
    "ap-southeast-1,1.29,103.85\n"   // Singapore
    "us-gov-west-1,,\n";             // no location: not ranked

}  // namespace geo::testing

#endif  // STEERDNS_TESTS_GEO_BUILD_TEST_REGIONS_H_
