// File: tests/zones/export_corpus.cc
#include "tests/zones/export_corpus.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "zones/zone_loader.h"

namespace zones_test {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Origins to try for a master file: its first $ORIGIN, else its name
// without ".zone" (example.com.zone), else the test zones' usual ones.
std::vector<std::string> MasterOrigins(const fs::path& path) {
  std::vector<std::string> out;
  std::istringstream in(ReadText(path));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string directive, origin;
    if (words >> directive >> origin && absl::EqualsIgnoreCase(directive, "$ORIGIN")) {
      out.push_back(origin);
      break;
    }
  }
  std::string stem = path.filename().string();
  if (absl::EndsWith(stem, ".zone")) stem.resize(stem.size() - 5);
  if (absl::StrContains(stem, '.')) out.push_back(absl::EndsWith(stem, ".") ? stem : stem + ".");
  out.push_back("example.com.");
  out.push_back("example.");
  return out;
}

// The origin of Route 53 JSON: the Name of its SOA record set.
std::vector<std::string> JsonOrigins(const fs::path& path) {
  const nlohmann::json doc = nlohmann::json::parse(ReadText(path), nullptr, false);
  if (!doc.is_object() || !doc.contains("ResourceRecordSets") ||
      !doc["ResourceRecordSets"].is_array()) {
    return {};
  }
  for (const nlohmann::json& rs : doc["ResourceRecordSets"]) {
    if (rs.is_object() && rs.value("Type", "") == "SOA" && rs.contains("Name") &&
        rs["Name"].is_string()) {
      return {rs["Name"].get<std::string>()};
    }
  }
  return {};
}

}  // namespace

std::string SourceDir() {
  const char* env = std::getenv("STEER_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? env : STEER_TEST_SOURCE_DIR;
}

std::vector<CorpusZone> ExportCorpus(std::vector<std::string>* skipped) {
  const fs::path root = SourceDir();
  std::vector<CorpusZone> out;
  auto load = [&](const std::string& origin, const std::vector<std::string>& relative,
                  std::string* error) {
    std::vector<std::string> paths;
    for (const std::string& r : relative) paths.push_back((root / r).string());
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone(origin, paths);
    if (!zone.ok()) {
      if (error != nullptr) *error = std::string(zone.status().message());
      return false;
    }
    out.push_back(CorpusZone{absl::StrJoin(relative, " + "), origin, *std::move(zone)});
    return true;
  };

  // The examples, as README.md and tests/e2e serve them; these must load.
  const std::vector<std::pair<std::string, std::vector<std::string>>> examples = {
      {"example.com.", {"examples/example.com.zone"}},
      {"example.com.", {"examples/example.com.zone", "examples/route53/example.com.json"}},
      {"example.com.", {"examples/example.com.zone", "examples/route53/svc.example.com.json"}},
      {"sub.example.com.", {"examples/sub.example.com.zone"}},
      {"lab.example.", {"examples/lab/lab.example.zone", "examples/lab/lab.example.json"}},
  };
  for (const auto& [origin, files] : examples) {
    std::string error;
    if (!load(origin, files, &error) && skipped != nullptr)
      skipped->push_back(absl::StrCat("EXAMPLE ", absl::StrJoin(files, " + "), ": ", error));
  }

  // Everything under tests/ that is a zone on its own.
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root / "tests", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string ext = absl::AsciiStrToLower(it->path().extension().string());
    if (ext == ".zone" || ext == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string relative = fs::relative(f, root).string();
    // Files that declare themselves broken (tests/zones/parity/README.md)
    // are not zones to round-trip, even where today's reader loads them.
    if (absl::StartsWith(ReadText(f), "; expect-error:")) {
      if (skipped != nullptr) skipped->push_back(absl::StrCat(relative, ": expect-error"));
      continue;
    }
    const bool json = zones::IsRoute53JsonPath(relative);
    const std::vector<std::string> origins = json ? JsonOrigins(f) : MasterOrigins(f);
    std::string first_error = origins.empty() ? "no SOA record set" : "";
    bool loaded = false;
    for (const std::string& origin : origins) {
      std::string error;
      if (load(origin, {relative}, &error)) {
        loaded = true;
        break;
      }
      if (first_error.empty()) first_error = error;
    }
    if (!loaded && skipped != nullptr)
      skipped->push_back(absl::StrCat(relative, ": ", first_error));
  }
  return out;
}

}  // namespace zones_test
