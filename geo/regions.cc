#include "geo/regions.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/edit_distance.h"
#include "base/file.h"
#include "base/string_view.h"
#include "geo/csv_reader.h"

#ifndef STEER_GEO_SOURCE_DIR
#define STEER_GEO_SOURCE_DIR "."
#endif

namespace geo {

using base::AV;
using base::StdViewFormatter;

std::string_view AdminStateName(AdminState s) {
  static constexpr std::string_view kNames[] = {"up", "drain", "down"};  // by AdminState
  const auto i = static_cast<size_t>(s);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::optional<AdminState> ParseAdminState(std::string_view s) {
  if (s == "up") return AdminState::kUp;
  if (s == "drain" || s == "drained") return AdminState::kDrain;
  if (s == "down") return AdminState::kDown;
  return std::nullopt;
}

AdminStates::AdminStates(size_t capacity)
    : capacity_(capacity),
      states_(std::make_unique<std::atomic<uint8_t>[]>(capacity)) {
  for (size_t i = 0; i < capacity_; ++i) {
    states_[i].store(static_cast<uint8_t>(AdminState::kUp),
                     std::memory_order_relaxed);
  }
}

absl::StatusOr<RegionId> AdminStates::IdFor(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("empty region name");
  absl::MutexLock lock(&mu_);
  auto it = ids_.find(AV(name));
  if (it != ids_.end()) return it->second;
  if (names_.size() >= capacity_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many regions (capacity ", capacity_, "); cannot add '", AV(name),
        "'"));
  }
  const RegionId id = static_cast<RegionId>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

std::optional<RegionId> AdminStates::Find(std::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = ids_.find(AV(name));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string AdminStates::Name(RegionId id) const {
  absl::MutexLock lock(&mu_);
  return id < names_.size() ? names_[id] : std::string();
}

std::vector<std::pair<std::string, AdminState>> AdminStates::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, AdminState>> out;
  out.reserve(names_.size());
  for (RegionId id = 0; id < names_.size(); ++id) out.emplace_back(names_[id], Get(id));
  return out;
}

namespace {

absl::Status RowError(std::string_view source, int line,
                      std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(AV(source), ":", line, ": ", AV(what)));
}

// Parses a coordinate in [-limit, limit]; `what` names it in errors.
absl::Status ParseDegrees(std::string_view text, double limit,
                          std::string_view what, std::string_view source,
                          int line, double* out) {
  double v = 0;
  if (!absl::SimpleAtod(AV(text), &v) || !std::isfinite(v)) {
    return RowError(source, line,
                    absl::StrCat(AV(what), " '", AV(text), "' is not a number"));
  }
  if (v < -limit || v > limit) {
    return RowError(source, line,
                    absl::StrCat(AV(what), " ", AV(text), " is outside -", limit,
                                 "..", limit));
  }
  *out = v;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RegionRegistry>> RegionRegistry::ParseCsv(
    std::string_view text, std::string_view source, AdminStates& ids) {
  std::shared_ptr<RegionRegistry> reg(new RegionRegistry());
  reg->source_ = std::string(source);
  CsvColumn region{{"region"}}, lat_col{{"latitude", "lat"}},
      lon_col{{"longitude", "lon"}};
  CsvColumn* cols[] = {&region, &lat_col, &lon_col};  // others ignored
  absl::Status s = ForEachCsvRow(
      text, source, cols, "region,latitude,longitude",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        Region r;
        r.line = line;
        r.name = std::string(f[region.index]);
        if (r.name.empty()) return RowError(source, line, "empty region name");
        if (reg->by_name_.contains(r.name)) {
          return RowError(
              source, line,
              absl::StrCat("duplicate region '", r.name, "' (first at line ",
                           reg->regions_[reg->by_name_[r.name]].line, ")"));
        }
        const std::string_view lat = f[lat_col.index],
                               lon = f[lon_col.index];
        if (lat.empty() != lon.empty()) {
          return RowError(source, line,
                          absl::StrCat("region '", r.name,
                                       "' has only one of latitude and "
                                       "longitude"));
        }
        if (!lat.empty()) {
          absl::Status c =
              ParseDegrees(lat, 90, "latitude", source, line, &r.latitude);
          if (c.ok()) {
            c = ParseDegrees(lon, 180, "longitude", source, line,
                             &r.longitude);
          }
          if (!c.ok()) return c;
          r.has_location = true;
        }
        absl::StatusOr<RegionId> id = ids.IdFor(r.name);
        if (!id.ok()) {
          return RowError(source, line,
                          std::string(id.status().message()));
        }
        r.id = *id;
        reg->by_name_.emplace(r.name, reg->regions_.size());
        reg->by_id_.emplace(r.id, reg->regions_.size());
        reg->regions_.push_back(std::move(r));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return std::shared_ptr<const RegionRegistry>(std::move(reg));
}

absl::StatusOr<std::shared_ptr<const RegionRegistry>> RegionRegistry::LoadCsv(
    const std::string& path, AdminStates& ids) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseCsv(*text, path, ids);
}

const Region* RegionRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(AV(name));
  return it == by_name_.end() ? nullptr : &regions_[it->second];
}

absl::Status RegionRegistry::CheckName(std::string_view name) const {
  if (Find(name) != nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(UnknownRegionMessage(name));
}

std::string RegionRegistry::UnknownRegionMessage(std::string_view name) const {
  const Region* best = nullptr;
  size_t best_distance = std::max<size_t>(2, name.size() / 4) + 1;
  bool case_only = false;
  for (const Region& r : regions_) {
    if (absl::EqualsIgnoreCase(AV(r.name), AV(name))) {
      best = &r;
      case_only = true;
      break;
    }
    const size_t d = base::EditDistance(name, r.name);
    if (d < best_distance && d < std::max(name.size(), r.name.size())) {
      best = &r;
      best_distance = d;
    }
  }
  if (best == nullptr) {
    return absl::StrCat("unknown region '", AV(name), "' (not in ", source_, ")");
  }
  return absl::StrCat("unknown region '", AV(name), "' (did you mean '", best->name, "'?",
                      case_only ? " region names are case-sensitive" : "", ")");
}

const Region* RegionRegistry::Get(RegionId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &regions_[it->second];
}

const char* DefaultRegionsPath() {
  return STEER_GEO_SOURCE_DIR "/data/aws_regions.csv";
}

}  // namespace geo
