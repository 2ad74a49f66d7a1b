// File: zones/zone_loader.cc
#include "zones/zone_loader.h"

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

absl::Status ReadZoneFile(const std::string& path, ZoneBuilder* builder) {
  return IsRoute53JsonPath(path) ? ReadRoute53Json(path, builder)
                                 : ReadMasterFile(path, builder);
}

absl::StatusOr<std::shared_ptr<const Zone>> LoadZone(
    std::string_view origin_text, const std::vector<std::string>& paths) {
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
  for (const std::string& path : paths) {
    if (absl::Status s = ReadZoneFile(path, &builder); !s.ok()) return s;
  }
  return std::move(builder).Build();
}

}  // namespace zones
