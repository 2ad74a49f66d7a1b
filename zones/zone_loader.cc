// File: zones/zone_loader.cc
#include "zones/zone_loader.h"

#include <fstream>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dns/wire/name.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace zones {

bool IsRoute53JsonPath(std::string_view path) {
  return absl::EndsWithIgnoreCase(absl::string_view(path.data(), path.size()),
                                  ".json");
}

bool LooksLikeRoute53Json(std::string_view content) {
  const size_t first = content.find_first_not_of(" \t\r\n\f\v");
  return first != std::string_view::npos && content[first] == '{';
}

bool IsRoute53JsonFile(const std::string& path) {
  if (IsRoute53JsonPath(path)) return true;
  std::ifstream in(path, std::ios::binary);
  char head[4096];
  in.read(head, sizeof head);
  return LooksLikeRoute53Json(std::string_view(head, static_cast<size_t>(in.gcount())));
}

absl::Status ReadZoneFile(const std::string& path, ZoneBuilder* builder) {
  return IsRoute53JsonFile(path) ? ReadRoute53Json(path, builder)
                                 : ReadMasterFile(path, builder);
}

absl::StatusOr<std::shared_ptr<const Zone>> LoadZone(
    std::string_view origin_text, const std::vector<std::string>& paths,
    std::vector<std::string>* warnings) {
  const absl::string_view origin_view(origin_text.data(), origin_text.size());
  std::string origin;
  if (!dns::NameFromText(origin_text, &origin)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad zone origin '", origin_view, "'"));
  }
  if (paths.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no files for zone ", dns::NameToText(origin)));
  }
  ZoneBuilder builder(std::move(origin));
  auto take_warnings = [&] {
    if (warnings != nullptr) {
      warnings->insert(warnings->end(), builder.warnings().begin(), builder.warnings().end());
    }
  };
  for (const std::string& path : paths) {
    if (absl::Status s = ReadZoneFile(path, &builder); !s.ok()) {
      take_warnings();
      return s;
    }
  }
  take_warnings();
  return std::move(builder).Build();
}

}  // namespace zones
