// File: tests/zones/test_util.cc
#include "tests/zones/test_util.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "gtest/gtest.h"
#include "zones/builder.h"
#include "zones/master_file.h"

namespace zones_test {

TempFolder::TempFolder() {
  std::string pattern = testing::TempDir();
  if (pattern.empty() || pattern.back() != '/') pattern.push_back('/');
  pattern += "zones_test_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = std::move(pattern);
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempFolder::Write(const std::string& relative,
                              std::string_view content) const {
  const std::filesystem::path full = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream out(full, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", full.c_str());
    std::abort();
  }
  return full.string();
}

std::string Wire(std::string_view text) {
  std::string wire;
  if (!dns::NameFromText(text, &wire)) {
    std::fprintf(stderr, "bad test name %.*s\n", static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
  return wire;
}

dns::Name QName(std::string_view text) {
  dns::Name name;
  if (!name.ParseText(text)) {
    std::fprintf(stderr, "bad test name %.*s\n", static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
  return name;
}

std::string Bytes(std::initializer_list<int> octets) {
  std::string s;
  for (int o : octets) s.push_back(static_cast<char>(o));
  return s;
}

absl::Status ReadZoneHead(zones::ZoneBuilder* builder, std::string_view more,
                          const std::string& display_name) {
  return zones::ReadMasterText(absl::StrCat(kZoneHead, base::AV(more)),
                               display_name, builder);
}

absl::StatusOr<std::shared_ptr<const zones::Zone>> ZoneFromText(
    std::string_view origin, std::string_view text,
    const std::string& display_name) {
  zones::ZoneBuilder builder(Wire(origin));
  absl::Status s = zones::ReadMasterText(text, display_name, &builder);
  if (!s.ok()) return s;
  return std::move(builder).Build();
}

}  // namespace zones_test
