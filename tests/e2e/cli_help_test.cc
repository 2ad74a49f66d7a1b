// File: tests/e2e/cli_help_test.cc
//
// `steerdns --help` exits 0 and mentions every flag of the server's
// contract in shared/DESIGN.md ("### steerdns (the server)"), plus
// --max-udp-size from the server's issue. When DESIGN.md is found next to
// the source tree (../shared/DESIGN.md) the flags are also read from it, so
// a flag added there is checked without editing this test.
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"

namespace e2e {
namespace {

// The flags of the contract as written when this test was.
const std::vector<std::string> kContractFlags = {
    "--config",  "--listen",  "--zone",          "--latency",
    "--regions", "--control", "--health-checks", "--data-dir",
    "--threads", "--max-udp-size"};

// Flags in DESIGN.md's steerdns contract block, or empty if not found.
std::set<std::string> FlagsFromDesign() {
  const char* src = std::getenv("STEER_SOURCE_DIR");
  std::string root = src != nullptr ? src : STEER_E2E_DEFAULT_SOURCE_DIR;
  std::string text = ReadFile(root + "/../shared/DESIGN.md");
  std::set<std::string> flags;
  auto section = text.find("### steerdns (the server)");
  if (section == std::string::npos) return flags;
  auto open = text.find("```", section);
  auto close = open == std::string::npos ? open : text.find("```", open + 3);
  if (close == std::string::npos) return flags;
  std::string block = text.substr(open, close - open);
  // Flags after the "# round 2" line are the next issues' contracts: each
  // joins kContractFlags when its issue lands.
  if (auto round2 = block.find("# round 2"); round2 != std::string::npos) block.resize(round2);
  std::regex flag("--[a-z][a-z0-9-]*");
  for (auto it = std::sregex_iterator(block.begin(), block.end(), flag);
       it != std::sregex_iterator(); ++it) {
    flags.insert(it->str());
  }
  return flags;
}

TEST(e2eCliHelp, HelpExitsZeroAndListsEveryContractFlag) {
  std::string output;
  ExitInfo info = RunBinary({"--help"}, std::chrono::milliseconds(10000), &output);
  ASSERT_TRUE(info.exited_in_time) << "--help did not return";
  EXPECT_TRUE(info.exited && info.exit_code == 0) << info.Describe() << "\n" << output;
  EXPECT_FALSE(output.empty());

  std::set<std::string> flags(kContractFlags.begin(), kContractFlags.end());
  std::set<std::string> from_design = FlagsFromDesign();
  flags.insert(from_design.begin(), from_design.end());
  RecordProperty("flags_from_design", static_cast<int>(from_design.size()));
  for (const auto& f : flags) {
    // A flag counts when it appears as a word: "--zone" but not "--zones".
    std::regex word(f + "(?![a-z0-9-])");
    EXPECT_TRUE(std::regex_search(output, word))
        << "--help does not mention " << f << "\n--help output:\n" << output;
  }
}

// The flags --help describes ("  --flag ..." lines), and the flags of the
// README's "Running steerdns" block: the same set, so neither goes stale
// (--help and --explain are described in the README's prose instead).
TEST(e2eCliHelp, ReadmeListsExactlyTheFlagsOfHelp) {
  std::string output;
  ExitInfo info = RunBinary({"--help"}, std::chrono::milliseconds(10000), &output);
  ASSERT_TRUE(info.exited_in_time && info.exited && info.exit_code == 0) << info.Describe();
  std::set<std::string> help;
  std::regex described("(^|\n)  (--[a-z][a-z0-9-]*)");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), described);
       it != std::sregex_iterator(); ++it) {
    help.insert((*it)[2].str());
  }
  help.erase("--help");
  help.erase("--explain");
  ASSERT_GE(help.size(), 10u) << output;

  const char* src = std::getenv("STEER_SOURCE_DIR");
  const std::string readme =
      ReadFile(std::string(src != nullptr ? src : STEER_E2E_DEFAULT_SOURCE_DIR) + "/README.md");
  const size_t section = readme.find("## Running steerdns");
  ASSERT_NE(section, std::string::npos) << "README.md has no \"## Running steerdns\"";
  const size_t open = readme.find("```", section);
  const size_t close = open == std::string::npos ? open : readme.find("```", open + 3);
  ASSERT_NE(close, std::string::npos);
  const std::string block = readme.substr(open, close - open);
  std::set<std::string> listed;
  std::regex flag("\\[(--[a-z][a-z0-9-]*)");
  for (auto it = std::sregex_iterator(block.begin(), block.end(), flag);
       it != std::sregex_iterator(); ++it) {
    listed.insert((*it)[1].str());
  }
  for (const std::string& f : help) {
    EXPECT_TRUE(listed.count(f)) << "README.md's flag list lacks " << f << " (steerdns --help has it)";
  }
  for (const std::string& f : listed) {
    EXPECT_TRUE(help.count(f)) << "README.md lists " << f << ", which steerdns --help does not";
  }
}

TEST(e2eCliHelp, HelpDoesNotStartTheServer) {
  // --help with other flags still only prints help (does not bind or load).
  std::string output;
  ExitInfo info = RunBinary({"--help", "--listen", "127.0.0.1:1"},
                            std::chrono::milliseconds(10000), &output);
  ASSERT_TRUE(info.exited_in_time) << "--help started the server";
  EXPECT_TRUE(info.exited && info.exit_code == 0) << info.Describe() << "\n" << output;
}

}  // namespace
}  // namespace e2e
