// DefaultLatency: loaded on first use for the regions in use, kept while
// it ranks them, loaded again for the union when a new region comes into
// use, a failure said once, and a changed file noticed.
#include "dns/control/default_latency.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class DefaultLatencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    locations_ = MakeTempDir() + "/locations.csv";
    WriteText(locations_,
              "network,latitude,longitude,country\n81.2.69.0/24,51.5,-0.12,GB\n"
              "8.8.8.0/24,40.7,-74.0,US\n1.0.0.0/24,1.3,103.8,SG\n");
    absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> registry =
        geo::RegionRegistry::LoadCsv(geo::DefaultRegionsPath(), admin_);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
  }

  geo::AdminStates admin_;
  std::shared_ptr<const geo::RegionRegistry> registry_;
  std::string locations_;
  std::vector<std::string> notes_;
};

TEST_F(DefaultLatencyTest, LoadsOnFirstUseRankingOnlyTheRegionsInUse) {
  DefaultLatency def(locations_);
  EXPECT_EQ(def.table(), nullptr);
  std::shared_ptr<const geo::LatencyTable> t =
      def.For({"eu-west-1", "us-east-1"}, registry_.get(), &notes_);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t, def.table());
  EXPECT_EQ(t->region_count(), 2u);
  EXPECT_THAT(def.regions(), ElementsAre("eu-west-1", "us-east-1"));
  ASSERT_THAT(notes_, SizeIs(1));
  EXPECT_THAT(notes_[0], HasSubstr("default latency table " + locations_));
}

TEST_F(DefaultLatencyTest, KeepsTheTableWhileItRanksTheRegionsInUse) {
  DefaultLatency def(locations_);
  std::shared_ptr<const geo::LatencyTable> t =
      def.For({"eu-west-1", "us-east-1"}, registry_.get(), &notes_);
  notes_.clear();
  EXPECT_EQ(def.For({"us-east-1"}, registry_.get(), &notes_), t);
  EXPECT_EQ(def.For({"eu-west-1", "us-east-1"}, registry_.get(), &notes_), t);
  EXPECT_THAT(notes_, IsEmpty());
  EXPECT_EQ(def.rankings(), 1u) << "ranked once: the regions in use never grew";
}

TEST_F(DefaultLatencyTest, ANewRegionLoadsItAgainRankingTheUnion) {
  DefaultLatency def(locations_);
  std::shared_ptr<const geo::LatencyTable> t = def.For({"eu-west-1"}, registry_.get(), &notes_);
  std::shared_ptr<const geo::LatencyTable> u =
      def.For({"ap-southeast-1"}, registry_.get(), &notes_);
  ASSERT_NE(u, nullptr);
  EXPECT_NE(u, t);
  EXPECT_EQ(u->region_count(), 2u);  // never fewer than before
  EXPECT_THAT(def.regions(), ElementsAre("ap-southeast-1", "eu-west-1"));
  EXPECT_EQ(def.rankings(), 2u);
  def.For({"eu-west-1"}, registry_.get(), &notes_);
  EXPECT_EQ(def.rankings(), 2u);
}

TEST_F(DefaultLatencyTest, AFailureIsNotedOncePerSetOfRegions) {
  DefaultLatency def(locations_ + ".missing");
  EXPECT_EQ(def.For({"eu-west-1"}, registry_.get(), &notes_), nullptr);
  EXPECT_EQ(def.For({"eu-west-1"}, registry_.get(), &notes_), nullptr);
  int failures = 0;
  for (const std::string& n : notes_) failures += n.find("default latency table not loaded") == 0;
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(def.For({"us-east-1"}, registry_.get(), &notes_), nullptr);
  failures = 0;
  for (const std::string& n : notes_) failures += n.find("default latency table not loaded") == 0;
  EXPECT_EQ(failures, 2);
}

TEST_F(DefaultLatencyTest, OffLoadsNothingAndSaysNothing) {
  DefaultLatency def("off");
  EXPECT_EQ(def.For({"eu-west-1"}, registry_.get(), &notes_), nullptr);
  EXPECT_TRUE(def.Load({"eu-west-1"}, registry_.get(), &notes_).ok());
  EXPECT_THAT(notes_, IsEmpty());
  EXPECT_FALSE(def.FileChanged());
}

TEST_F(DefaultLatencyTest, NoticesItsFileChanging) {
  // Files written "now" are racy; age it so an unchanged stat proves an
  // unchanged file.
  ASSERT_EQ(system(absl::StrCat("touch -d '-1 hour' ", locations_).c_str()), 0);
  DefaultLatency def(locations_);
  EXPECT_FALSE(def.FileChanged());  // nothing loaded yet
  ASSERT_NE(def.For({"eu-west-1"}, registry_.get(), &notes_), nullptr);
  EXPECT_FALSE(def.FileChanged());
  WriteText(locations_, "network,latitude,longitude,country\n81.2.69.0/24,51.5,-0.12,GB\n");
  EXPECT_TRUE(def.FileChanged());
  std::shared_ptr<const geo::LatencyTable> before = def.table();
  ASSERT_TRUE(def.Load(def.regions(), registry_.get(), &notes_).ok());
  EXPECT_NE(def.table(), before);
  EXPECT_THAT(def.regions(), ElementsAre("eu-west-1"));
}

}  // namespace
}  // namespace dns::control
