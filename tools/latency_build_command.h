// File: tools/latency_build_command.h
//
// The `latency build` command line, shared by `zonectl latency build` and
// `steer-latency-build`: flags -> read the geolocation sources (tor-geoipdb,
// MaxMind DB, locations CSV), region coordinates and measurements -> build
// (geo/build/latency_builder.h) -> write the CSV atomically -> summary.
#ifndef STEERDNS_TOOLS_LATENCY_BUILD_COMMAND_H_
#define STEERDNS_TOOLS_LATENCY_BUILD_COMMAND_H_

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "geo/build/latency_builder.h"
#include "geo/build/latency_model.h"

namespace geo {

// ----------------------------------------------------------- the command

// What `zonectl latency build` / `steer-latency-build` take.
struct LatencyBuildRequest {
  std::vector<std::string> geo_sources;     // --geoip (kind detected)
  std::string regions_path;                 // --regions
  std::string centroids_path;               // --centroids
  std::vector<std::string> measured_paths;  // --measured
  std::string fit_matrix_path;              // --fit-matrix
  bool model_given = false;                 // --model
  LatencyBuildOptions options;
  std::string out_path;                     // --out ("-" = stdout)
  // --format locations: write network locations (BuildNetworkLocations)
  // instead of a latency table; the model, regions and measurements are
  // then not used.
  bool locations = false;
  bool quiet = false;                       // --quiet
};

// The flags, for --help (one flag per line).
std::string_view LatencyBuildUsage();

// Parses the flags (without the program / subcommand name). Errors
// (InvalidArgument) name the flag: "--top: 'x' is not a count".
absl::StatusOr<LatencyBuildRequest> ParseLatencyBuildArgs(
    absl::Span<const std::string> args);

// What RunLatencyBuild did.
struct LatencyBuildReport {
  LatencyBuildStats stats;
  DistanceModel model;
  std::optional<DistanceFit> fit;  // with --fit-matrix
  size_t output_bytes = 0;
  double read_seconds = 0;
  double write_seconds = 0;
  double total_seconds = 0;
  std::vector<std::string> sources;  // "path (tor-geoipdb)"
  // Human summary, several lines: inputs, model, prefixes in and out,
  // rows, size, timings.
  std::string Summary(const LatencyBuildRequest& req) const;
};

// Reads the inputs, builds, writes. Errors carry "file:line: ..." for bad
// input files.
absl::StatusOr<LatencyBuildReport> RunLatencyBuild(
    const LatencyBuildRequest& req);

// The whole command: parse `args`, run, print the summary to `out` (to
// `err` when the table goes to stdout) unless --quiet, or a one-line
// reason to `err`. Returns the exit status (0 ok, 1 failure, 2 usage).
// `--help` prints the usage to `out` and returns 0. `prog` names the
// command in messages ("zonectl latency build").
int RunLatencyBuildCommand(std::string_view prog,
                           absl::Span<const std::string> args,
                           std::FILE* out, std::FILE* err);

}  // namespace geo

#endif  // STEERDNS_TOOLS_LATENCY_BUILD_COMMAND_H_
