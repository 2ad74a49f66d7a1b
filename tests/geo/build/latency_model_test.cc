#include "geo/build/latency_model.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "geo/build/latency_builder.h"
#include "geo/regions.h"

namespace geo {
namespace {

using ::testing::DoubleNear;
using ::testing::HasSubstr;

TEST(HaversineTest, KnownDistances) {
  EXPECT_DOUBLE_EQ(HaversineKm(10, 20, 10, 20), 0);
  // Dublin (eu-west-1) - Frankfurt (eu-central-1): ~1088 km.
  EXPECT_THAT(HaversineKm(53.3498, -6.2603, 50.1109, 8.6821), DoubleNear(1088, 2));
  // New York - London: ~5570 km.
  EXPECT_THAT(HaversineKm(40.7128, -74.0060, 51.5072, -0.1276), DoubleNear(5570, 10));
  // A quarter of the equator and antipodes.
  const double quarter = kEarthRadiusKm * M_PI / 2;
  EXPECT_THAT(HaversineKm(0, 0, 0, 90), DoubleNear(quarter, 1e-6));
  EXPECT_THAT(HaversineKm(0, 0, 0, 180), DoubleNear(2 * quarter, 1e-6));
  EXPECT_THAT(HaversineKm(90, 0, -90, 0), DoubleNear(2 * quarter, 1e-6));
  // Across the antimeridian and symmetric.
  EXPECT_THAT(HaversineKm(0, 179.5, 0, -179.5), DoubleNear(111.2, 0.1));
  EXPECT_DOUBLE_EQ(HaversineKm(1, 2, 3, 4), HaversineKm(3, 4, 1, 2));
}

TEST(DistanceModelTest, RttAndToString) {
  const DistanceModel m{10, 0.0157};
  EXPECT_DOUBLE_EQ(m.RttMs(0), 10);
  EXPECT_DOUBLE_EQ(m.RttMs(1000), 25.7);
  EXPECT_EQ(m.ToString(), "10.00 ms + 15.70 ms/1000 km");
  EXPECT_DOUBLE_EQ(kDefaultDistanceModel.a_ms, 10.0);
  EXPECT_DOUBLE_EQ(kDefaultDistanceModel.b_ms_per_km, 0.0157);
}

TEST(FitTest, ExactLine) {
  std::vector<DistanceSample> s;
  for (int km = 0; km <= 10000; km += 500) s.push_back({double(km), 5 + 0.02 * km});
  absl::StatusOr<DistanceFit> f = FitLeastAbsoluteDeviations(s);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->model.a_ms, DoubleNear(5, 1e-6));
  EXPECT_THAT(f->model.b_ms_per_km, DoubleNear(0.02, 1e-9));
  EXPECT_EQ(f->samples, s.size());
  EXPECT_THAT(f->max_abs_residual, DoubleNear(0, 1e-5));
}

TEST(FitTest, RobustToOutliers) {
  // 200 points on RTT = 12 + 0.015 km with small symmetric noise, plus 30
  // far-off points (detours): least squares would be pulled up; LAD is not.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> km(0, 15000), noise(-2, 2);
  std::vector<DistanceSample> s;
  for (int i = 0; i < 200; ++i) {
    const double d = km(rng);
    s.push_back({d, 12 + 0.015 * d + noise(rng)});
  }
  for (int i = 0; i < 30; ++i) {
    const double d = km(rng);
    s.push_back({d, 12 + 0.015 * d + 150});
  }
  absl::StatusOr<DistanceFit> f = FitLeastAbsoluteDeviations(s);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->model.a_ms, DoubleNear(12, 1.0));
  EXPECT_THAT(f->model.b_ms_per_km * 1000, DoubleNear(15, 0.2));
  EXPECT_LT(f->median_abs_residual, 2);
  EXPECT_GT(f->max_abs_residual, 140);
}

TEST(FitTest, MinimisesAbsoluteDeviations) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> km(0, 12000), e(0, 1);
  std::vector<DistanceSample> s;
  for (int i = 0; i < 300; ++i) {
    const double d = km(rng);
    // Skewed noise: LAD lands on the conditional median, not the mean.
    s.push_back({d, 8 + 0.016 * d + 30 * e(rng) * e(rng) * e(rng)});
  }
  absl::StatusOr<DistanceFit> f = FitLeastAbsoluteDeviations(s);
  ASSERT_TRUE(f.ok());
  auto cost = [&](double a, double b) {
    double c = 0;
    for (const auto& x : s) c += std::fabs(x.rtt_ms - a - b * x.km);
    return c;
  };
  const double best = cost(f->model.a_ms, f->model.b_ms_per_km);
  for (double da : {-0.5, -0.05, 0.05, 0.5}) {
    for (double db : {-1e-4, -1e-6, 0.0, 1e-6, 1e-4}) {
      EXPECT_LE(best, cost(f->model.a_ms + da, f->model.b_ms_per_km + db) + 1e-6);
    }
  }
}

TEST(FitTest, Errors) {
  EXPECT_THAT(std::string(FitLeastAbsoluteDeviations({}).status().message()),
              HasSubstr("at least 2"));
  std::vector<DistanceSample> same = {{100, 5}, {100, 7}, {100, 9}};
  EXPECT_THAT(std::string(FitLeastAbsoluteDeviations(same).status().message()),
              HasSubstr("same distance"));
  std::vector<DistanceSample> nan = {{100, 5}, {200, NAN}};
  EXPECT_FALSE(FitLeastAbsoluteDeviations(nan).ok());
}

TEST(FitTest, EvaluateModelResiduals) {
  std::vector<DistanceSample> s = {{0, 11}, {1000, 24}, {2000, 50}, {3000, 40}};
  // Model 10 + 0.015 km: residuals 1, -1, 10, -15.
  DistanceFit f = EvaluateModel(DistanceModel{10, 0.015}, s);
  EXPECT_EQ(f.samples, 4u);
  EXPECT_DOUBLE_EQ(f.median_abs_residual, 5.5);
  EXPECT_DOUBLE_EQ(f.mean_abs_residual, 27.0 / 4);
  EXPECT_DOUBLE_EQ(f.p90_abs_residual, 15);
  EXPECT_DOUBLE_EQ(f.max_abs_residual, 15);
  EXPECT_THAT(f.ToString(), HasSubstr("4 samples"));
}

// The documented default comes from the AWS inter-region matrix
// (data/aws_interregion_p50_1y.csv); re-fit it.
TEST(FitTest, AwsInterRegionMatrixGivesTheDefault) {
  const char* src = std::getenv("STEER_SOURCE_DIR");
  const std::string root = src != nullptr ? src : STEER_TEST_SOURCE_DIR;
  const std::string matrix =
      root + "/data/aws_interregion_p50_1y.csv";
  AdminStates ids;
  auto regions = RegionRegistry::LoadCsv(root + "/data/aws_regions.csv", ids);
  ASSERT_TRUE(regions.ok()) << regions.status();
  absl::StatusOr<std::vector<DistanceSample>> s =
      LoadRttMatrixSamples(matrix, **regions);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->size(), 32u * 31u / 2);  // unordered pairs
  absl::StatusOr<DistanceFit> f = FitLeastAbsoluteDeviations(*s);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(f->model.a_ms, DoubleNear(kDefaultDistanceModel.a_ms, 0.1));
  EXPECT_THAT(f->model.b_ms_per_km * 1000,
              DoubleNear(kDefaultDistanceModel.b_ms_per_km * 1000, 0.05));
  std::printf("fit: %s\n", f->ToString().c_str());
}

}  // namespace
}  // namespace geo
