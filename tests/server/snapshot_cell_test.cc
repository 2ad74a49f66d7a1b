// Tests for dns/server/snapshot_cell.h: publish/enter/offline/reclaim
// semantics of the QSBR cell, and a short bounded stress run.
#include "dns/server/snapshot_cell.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace dns::server {
namespace {

// A value that counts its destructions and poisons itself when freed.
struct Tracked {
  static constexpr uint32_t kAlive = 0xA11CE;
  Tracked(int v, std::atomic<int>* d) : value(v), deaths(d) {}
  ~Tracked() {
    magic = 0;
    deaths->fetch_add(1);
  }
  int value;
  std::atomic<int>* deaths;
  volatile uint32_t magic = kAlive;
};

using Cell = QsbrCell<Tracked>;

class QsbrCellTest : public ::testing::Test {
 protected:
  std::unique_ptr<const Tracked> Make(int v) {
    return std::make_unique<const Tracked>(v, &deaths_);
  }
  std::atomic<int> deaths_{0};
};

TEST_F(QsbrCellTest, EnterReturnsTheCurrentValue) {
  Cell cell(2, Make(1));
  EXPECT_EQ(cell.Enter(0)->value, 1);
  EXPECT_EQ(cell.Enter(1)->value, 1);
  cell.Publish(Make(2));
  EXPECT_EQ(cell.Enter(0)->value, 2);
  cell.Offline(0);
  cell.Offline(1);
}

TEST_F(QsbrCellTest, NullUntilFirstPublish) {
  Cell cell(1, nullptr);
  EXPECT_EQ(cell.Enter(0), nullptr);
  cell.Publish(Make(7));
  EXPECT_EQ(cell.Enter(0)->value, 7);
  cell.Offline(0);
  EXPECT_EQ(cell.retired_count(), 0u);  // publishing over null retires nothing
}

TEST_F(QsbrCellTest, ReclaimFreesAtOnceWhenEveryWorkerIsOffline) {
  Cell cell(3, Make(1));
  cell.Publish(Make(2));
  EXPECT_EQ(cell.retired_count(), 1u);
  EXPECT_EQ(deaths_.load(), 0);  // Publish never frees
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(deaths_.load(), 1);
}

TEST_F(QsbrCellTest, ReclaimWaitsForAWorkerOnlineOnAnOldEpoch) {
  Cell cell(2, Make(1));
  const Tracked* held = cell.Enter(0);  // worker 0 reads value 1
  cell.Publish(Make(2));
  EXPECT_EQ(cell.Reclaim(), 1u);
  EXPECT_EQ(deaths_.load(), 0);
  EXPECT_EQ(held->magic, Tracked::kAlive);
  EXPECT_EQ(held->value, 1);
  // Still online on the old epoch: still kept, however often we try.
  EXPECT_EQ(cell.Reclaim(), 1u);
  EXPECT_EQ(deaths_.load(), 0);

  // The next batch of worker 0 sees the new value; the old one can go.
  EXPECT_EQ(cell.Enter(0)->value, 2);
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(deaths_.load(), 1);
  cell.Offline(0);
}

TEST_F(QsbrCellTest, GoingOfflineReleasesTheOldValue) {
  Cell cell(2, Make(1));
  cell.Enter(1);
  cell.Publish(Make(2));
  EXPECT_EQ(cell.Reclaim(), 1u);
  cell.Offline(1);
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(deaths_.load(), 1);
}

TEST_F(QsbrCellTest, AWorkerThatEnteredAfterThePublishDoesNotHoldItUp) {
  Cell cell(2, Make(1));
  cell.Publish(Make(2));
  EXPECT_EQ(cell.Enter(0)->value, 2);
  EXPECT_EQ(cell.Enter(1)->value, 2);
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(deaths_.load(), 1);
  cell.Offline(0);
  cell.Offline(1);
}

TEST_F(QsbrCellTest, EachRetiredValueWaitsOnlyForItsOwnReaders) {
  Cell cell(2, Make(1));
  cell.Enter(0);                     // worker 0 holds 1
  cell.Publish(Make(2));             // 1 retired
  EXPECT_EQ(cell.Enter(1)->value, 2);  // worker 1 holds 2
  cell.Publish(Make(3));             // 2 retired
  EXPECT_EQ(cell.Reclaim(), 2u);     // worker 0 blocks both
  EXPECT_EQ(deaths_.load(), 0);

  EXPECT_EQ(cell.Enter(0)->value, 3);  // worker 0 moves on
  EXPECT_EQ(cell.Reclaim(), 1u);       // 1 goes; worker 1 still holds 2
  EXPECT_EQ(deaths_.load(), 1);

  cell.Offline(1);
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(deaths_.load(), 2);
  cell.Offline(0);
}

TEST_F(QsbrCellTest, DestructorFreesCurrentAndRetired) {
  {
    Cell cell(1, Make(1));
    cell.Enter(0);
    cell.Publish(Make(2));
    cell.Publish(Make(3));
    cell.Offline(0);
  }
  EXPECT_EQ(deaths_.load(), 3);
}

TEST_F(QsbrCellTest, WithCurrentSeesTheLatestValue) {
  Cell cell(1, Make(1));
  EXPECT_EQ(cell.WithCurrent([](const Tracked* t) { return t->value; }), 1);
  cell.Publish(Make(5));
  EXPECT_EQ(cell.WithCurrent([](const Tracked* t) { return t->value; }), 5);
}

TEST_F(QsbrCellTest, EpochAdvancesOncePerPublish) {
  Cell cell(1, Make(1));
  uint64_t e = cell.epochs().epoch();
  cell.Publish(Make(2));
  cell.Publish(Make(3));
  EXPECT_EQ(cell.epochs().epoch(), e + 2);
}

TEST(SnapshotCellTest, HoldsRealSnapshots) {
  SnapshotCell cell(1, std::make_unique<const dns::Snapshot>());
  const dns::Snapshot* s = cell.Enter(0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->zones.size(), 0u);
  cell.Offline(0);
  cell.Publish(std::make_unique<const dns::Snapshot>());
  EXPECT_EQ(cell.Reclaim(), 0u);
}

// Two readers Enter/read/Offline in a loop while a publisher replaces the
// value and reclaims. Readers must only ever see live values, in
// non-decreasing order; in the end everything but the current value is
// freed. Bounded: a fixed number of publishes.
TEST_F(QsbrCellTest, StressTwoReadersOnePublisher) {
  constexpr int kPublishes = 3000;
  Cell cell(2, Make(0));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<long> reads{0};
  std::atomic<int> started{0};

  auto reader = [&](int slot) {
    int last = -1;
    long n = 0;
    while (!done.load(std::memory_order_relaxed)) {
      const Tracked* t = cell.Enter(slot);
      for (int k = 0; k < 8; ++k) {  // a "batch" of reads
        if (t->magic != Tracked::kAlive) bad.fetch_add(1);
      }
      if (t->value < last) bad.fetch_add(1);
      last = t->value;
      if (++n == 1) started.fetch_add(1);
      if (n % 16 == 0) cell.Offline(slot);  // an idle wait now and then
    }
    cell.Offline(slot);
    reads.fetch_add(n);
  };
  std::thread r0(reader, 0), r1(reader, 1);
  while (started.load() < 2) std::this_thread::yield();
  for (int i = 1; i <= kPublishes; ++i) {
    cell.Publish(Make(i));
    cell.Reclaim();
    if (i % 8 == 0) std::this_thread::yield();  // let the readers interleave
  }
  done.store(true);
  r0.join();
  r1.join();
  EXPECT_EQ(cell.Reclaim(), 0u);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(deaths_.load(), kPublishes);  // all but the current one
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace dns::server
