#include "geo/build/latency_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace geo {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;

// Median of v (reorders v). v must not be empty.
double Median(std::vector<double>& v) {
  const size_t n = v.size();
  const size_t mid = n / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double hi = v[mid];
  if (n % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + mid);
  return (lo + hi) / 2;
}

// For slope b: the best intercept (median of rtt - b*km) and the cost.
struct InterceptCost {
  double a;
  double cost;
};
InterceptCost BestIntercept(absl::Span<const DistanceSample> s, double b,
                            std::vector<double>& scratch) {
  scratch.clear();
  for (const DistanceSample& x : s) scratch.push_back(x.rtt_ms - b * x.km);
  const double a = Median(scratch);
  double cost = 0;
  for (const DistanceSample& x : s) cost += std::fabs(x.rtt_ms - a - b * x.km);
  return {a, cost};
}

}  // namespace

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  const double p1 = lat1 * kDegToRad;
  const double p2 = lat2 * kDegToRad;
  const double dp = (lat2 - lat1) * kDegToRad;
  const double dl = (lon2 - lon1) * kDegToRad;
  const double sp = std::sin(dp / 2);
  const double sl = std::sin(dl / 2);
  double h = sp * sp + std::cos(p1) * std::cos(p2) * sl * sl;
  h = std::clamp(h, 0.0, 1.0);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

std::string DistanceModel::ToString() const {
  return absl::StrFormat("%.2f ms + %.2f ms/1000 km", a_ms,
                         b_ms_per_km * 1000);
}

std::string DistanceFit::ToString() const {
  return absl::StrFormat(
      "a = %.2f ms, b = %.2f ms/1000 km (least absolute deviations, %d "
      "samples); |residual| ms: median %.1f, mean %.1f, p90 %.1f, max %.1f",
      model.a_ms, model.b_ms_per_km * 1000, samples, median_abs_residual,
      mean_abs_residual, p90_abs_residual, max_abs_residual);
}

DistanceFit EvaluateModel(const DistanceModel& model,
                          absl::Span<const DistanceSample> samples) {
  DistanceFit f;
  f.model = model;
  f.samples = samples.size();
  if (samples.empty()) return f;
  std::vector<double> r;
  r.reserve(samples.size());
  double sum = 0;
  for (const DistanceSample& s : samples) {
    const double e = std::fabs(s.rtt_ms - model.RttMs(s.km));
    r.push_back(e);
    sum += e;
  }
  std::sort(r.begin(), r.end());
  const size_t n = r.size();
  f.median_abs_residual = n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
  f.mean_abs_residual = sum / static_cast<double>(n);
  // Nearest-rank 90th percentile.
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  f.p90_abs_residual = r[std::clamp<size_t>(rank, 1, n) - 1];
  f.max_abs_residual = r.back();
  return f;
}

absl::StatusOr<DistanceFit> FitLeastAbsoluteDeviations(
    absl::Span<const DistanceSample> samples) {
  if (samples.size() < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "need at least 2 samples to fit a line, got %d", samples.size()));
  }
  double min_km = samples[0].km, max_km = samples[0].km;
  for (const DistanceSample& s : samples) {
    if (!std::isfinite(s.km) || !std::isfinite(s.rtt_ms)) {
      return absl::InvalidArgumentError("sample with a non-finite value");
    }
    min_km = std::min(min_km, s.km);
    max_km = std::max(max_km, s.km);
  }
  if (max_km == min_km) {
    return absl::InvalidArgumentError(
        "all samples are at the same distance: the slope is undefined");
  }
  std::vector<double> scratch;
  scratch.reserve(samples.size());
  // Golden-section search for the slope; cost(b) is convex.
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double lo = -1.0, hi = 1.0;
  double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
  double f1 = BestIntercept(samples, x1, scratch).cost;
  double f2 = BestIntercept(samples, x2, scratch).cost;
  while (hi - lo > 1e-12) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = BestIntercept(samples, x1, scratch).cost;
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = BestIntercept(samples, x2, scratch).cost;
    }
  }
  const double b = (lo + hi) / 2;
  const InterceptCost best = BestIntercept(samples, b, scratch);
  return EvaluateModel(DistanceModel{best.a, b}, samples);
}

}  // namespace geo
