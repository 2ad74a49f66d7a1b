// base/file.h, base/errno_status.h: whole files in, atomic writes out, and
// the errno -> Status contract every module relies on.
#include "base/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/errno_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace base {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string MakeTempDir() {
  std::string templ = ::testing::TempDir() + "/base_file_test.XXXXXX";
  char* made = ::mkdtemp(templ.data());
  EXPECT_NE(made, nullptr);
  return templ;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(WriteFileAtomicallyTest, WritesAndReplacesWholeFilesWithoutLeftovers) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/f.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  EXPECT_EQ(Slurp(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, std::string(100000, 'x')).ok());
  EXPECT_EQ(Slurp(path), std::string(100000, 'x'));
  EXPECT_THAT(List(dir), ElementsAre("f.txt"));  // no temp file remains
}

// A secret is never readable by others, not even as the temporary file.
TEST(WriteFileAtomicallyTest, ModeIsTheCallers) {
  const std::string dir = MakeTempDir();
  const mode_t old_umask = ::umask(022);
  ASSERT_TRUE(WriteFileAtomically(dir + "/secret", "key", 0600).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/public", "key").ok());
  ::umask(old_umask);
  struct stat st;
  ASSERT_EQ(::stat((dir + "/secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir + "/public").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(WriteFileAtomicallyTest, FailureLeavesTheOldFileAndNoTemp) {
  const std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFileAtomically(dir + "/f.txt", "old").ok());
  // Renaming over a folder fails: the old content must stay.
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  absl::Status st = WriteFileAtomically(dir + "/sub", "new");
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("sub"));
  EXPECT_EQ(Slurp(dir + "/f.txt"), "old");
  EXPECT_THAT(List(dir), ElementsAre("f.txt", "sub"));
}

TEST(WriteFileAtomicallyTest, TempNamesAreRecognised) {
  EXPECT_TRUE(IsTempFileName("latency.csv.tmp-123-0"));
  EXPECT_FALSE(IsTempFileName("latency.csv"));
}

TEST(ReadFileTest, ReadsEveryByte) {
  const std::string dir = MakeTempDir();
  std::string content(200000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(WriteFileAtomically(dir + "/bin", content).ok());
  absl::StatusOr<std::string> got = ReadFile(dir + "/bin");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, content);
}

TEST(ReadFileTest, ErrorsNameThePathAndCarryTheErrnoCode) {
  const std::string dir = MakeTempDir();
  absl::StatusOr<std::string> missing = ReadFile(dir + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), dir + "/nope: cannot open: No such file or directory");
  absl::StatusOr<std::string> folder = ReadFile(dir);
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(folder.status().message(), dir + ": cannot open: Is a directory");
}

TEST(ErrnoStatusTest, CodesFollowTheErrno) {
  EXPECT_EQ(ErrnoStatus(ENOENT, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrnoStatus(EACCES, "x").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus(ENOSPC, "x").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EIO, "x").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrnoStatus(EACCES, "f").message(), "f: Permission denied");
}

TEST(FileTest, ParentDir) {
  EXPECT_EQ(ParentDir("a/b/c"), "a/b");
  EXPECT_EQ(ParentDir("c"), ".");
  EXPECT_EQ(ParentDir("/c"), "/");
}

}  // namespace
}  // namespace base
