// File: geo/build/latency_model.h
//
// How far is how slow: great-circle distance, and the straight-line model
// RTT = a + b * km that latency tables are built from, with a robust fit
// of (a, b) to measured (km, rtt) pairs.
//
// The default model, kDefaultDistanceModel = 10.0 ms + 15.7 ms per 1000 km,
// is FitLeastAbsoluteDeviations() over the AWS inter-region p50 RTTs
// (cloudping.co, one year, captured 2025-05-29;
// data/aws_interregion_p50_1y.csv) as LoadRttMatrixSamples() reads them: the
// 496 unordered pairs of the 32 regions with data, each the mean of its
// two directions, distance between the coordinates in data/aws_regions.csv.
// Result: a = 10.01 ms, b = 15.69 ms / 1000 km; absolute residuals median
// 15.9 ms, mean 29.0 ms, 90th percentile 72.7 ms, max 249 ms
// (tests/geo/build/latency_model_test.cc re-fits it; fitting
// the 992 directed entries instead gives 10.22 + 15.67). For comparison,
// light in fibre is ~10 ms per 1000 km of *path*: the slope is 1.57x that
// (paths are not great circles), and the intercept is routing, queueing
// and the hops inside the data centres. The residuals are large: routes
// through distant hubs (the Middle East, South America, Africa) cost far
// more than their distance, which is what measured overrides are for.
//
// Why least absolute deviations: a few pairs are far off the line (routes
// through a distant hub, e.g. some Middle East and South America pairs);
// least squares lets them pull the line, LAD gives the median line.
//
// Example:
//   double km = geo::HaversineKm(53.35, -6.26, 50.11, 8.68);  // ~1088
//   double ms = geo::kDefaultDistanceModel.RttMs(km);            // ~27.1
//   absl::StatusOr<geo::DistanceFit> fit =
//       geo::FitLeastAbsoluteDeviations(samples);
//
// Thread safety: plain functions and values.
#ifndef STEERDNS_GEO_LATENCY_MODEL_H_
#define STEERDNS_GEO_LATENCY_MODEL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace geo {

// Mean Earth radius (IUGG), km.
inline constexpr double kEarthRadiusKm = 6371.0088;

// Great-circle distance in km between two WGS84 points (degrees), by the
// haversine formula on a sphere of kEarthRadiusKm (error < 0.5% against
// the ellipsoid, far below the model's).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

// RTT (ms) = a_ms + b_ms_per_km * km.
struct DistanceModel {
  double a_ms = 10.0;
  double b_ms_per_km = 0.0157;
  double RttMs(double km) const { return a_ms + b_ms_per_km * km; }
  // "10.0 ms + 15.70 ms/1000 km".
  std::string ToString() const;
};

inline constexpr DistanceModel kDefaultDistanceModel{10.0, 0.0157};

// One measurement: distance and RTT.
struct DistanceSample {
  double km = 0;
  double rtt_ms = 0;
};

// A fitted model and how well it fits.
struct DistanceFit {
  DistanceModel model;
  size_t samples = 0;
  // Absolute residuals |rtt - model(km)|, ms.
  double median_abs_residual = 0;
  double mean_abs_residual = 0;
  double p90_abs_residual = 0;
  double max_abs_residual = 0;
  // "a = 9.96 ms, b = 15.70 ms/1000 km (LAD, 992 samples); |residual| ms:
  // median 7.3, mean 11.9, p90 27.0, max 118.4".
  std::string ToString() const;
};

// Least-absolute-deviations line through the samples: minimises
// sum |rtt - a - b*km|. For a fixed slope b the best intercept is the
// median of (rtt - b*km), and the remaining cost is convex in b, so b is
// found by golden-section search on [-1, 1] ms/km down to 1e-9 ms/km (the
// optimum is at a line through two samples; the search lands within
// rounding of it). O(n log n) per step, ~60 steps. Errors:
// InvalidArgument for fewer than 2 samples, a non-finite value, or all
// samples at one distance.
absl::StatusOr<DistanceFit> FitLeastAbsoluteDeviations(
    absl::Span<const DistanceSample> samples);

// Residual statistics of `model` on `samples` (fills everything except
// `model`, which is copied from the argument).
DistanceFit EvaluateModel(const DistanceModel& model,
                          absl::Span<const DistanceSample> samples);

}  // namespace geo

#endif  // STEERDNS_GEO_LATENCY_MODEL_H_
