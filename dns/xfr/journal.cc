// File: dns/xfr/journal.cc
#include "dns/xfr/journal.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "zones/serial.h"

namespace dns::xfr {
namespace {

constexpr std::string_view kMagic = "STEERIXFR1\n";

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}
void PutRr(std::string* out, const WireRr& rr) {
  out->push_back(static_cast<char>(rr.owner.size()));
  out->append(rr.owner);
  Put16(out, rr.type);
  Put32(out, rr.ttl);
  Put16(out, static_cast<uint16_t>(rr.rdata.size()));
  out->append(rr.rdata);
}

struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint32_t Get(int octets) {
    if (pos + octets > data.size()) {
      ok = false;
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < octets; ++i) v = v << 8 | static_cast<uint8_t>(data[pos++]);
    return v;
  }
  std::string Bytes(size_t n) {
    if (pos + n > data.size()) {
      ok = false;
      return {};
    }
    std::string s(data.substr(pos, n));
    pos += n;
    return s;
  }
  WireRr Rr() {
    WireRr rr;
    rr.owner = Bytes(Get(1));
    rr.type = static_cast<uint16_t>(Get(2));
    rr.ttl = Get(4);
    rr.rdata = Bytes(Get(2));
    return rr;
  }
};

// "example.com" for example.com., "root" for the root.
std::string FileStem(const std::string& origin_wire) {
  std::string text = NameToText(origin_wire);
  if (text == ".") return "root";
  text.pop_back();
  return text;
}

}  // namespace

std::string EncodeJournal(const std::vector<std::shared_ptr<const ZoneDiff>>& diffs) {
  std::string out(kMagic);
  for (const auto& d : diffs) {
    PutRr(&out, d->old_soa);
    PutRr(&out, d->new_soa);
    Put32(&out, static_cast<uint32_t>(d->deleted.size()));
    for (const WireRr& rr : d->deleted) PutRr(&out, rr);
    Put32(&out, static_cast<uint32_t>(d->added.size()));
    for (const WireRr& rr : d->added) PutRr(&out, rr);
  }
  return out;
}

absl::StatusOr<std::vector<std::shared_ptr<const ZoneDiff>>> DecodeJournal(std::string_view data) {
  if (data.substr(0, kMagic.size()) != kMagic) {
    return absl::InvalidArgumentError("not a steerdns IXFR journal");
  }
  Reader r{data, kMagic.size()};
  std::vector<std::shared_ptr<const ZoneDiff>> out;
  while (r.ok && r.pos < data.size()) {
    auto d = std::make_shared<ZoneDiff>();
    d->old_soa = r.Rr();
    d->new_soa = r.Rr();
    for (uint32_t n = r.Get(4); r.ok && n > 0; --n) d->deleted.push_back(r.Rr());
    for (uint32_t n = r.Get(4); r.ok && n > 0; --n) d->added.push_back(r.Rr());
    if (!r.ok) break;
    if (!out.empty() && out.back()->to_serial() != d->from_serial()) {
      return absl::InvalidArgumentError("differences do not follow each other");
    }
    out.push_back(std::move(d));
  }
  if (!r.ok) return absl::InvalidArgumentError(absl::StrCat("truncated at octet ", r.pos));
  return out;
}

Journal::Journal(std::string dir, size_t max_diffs)
    : dir_(std::move(dir)), max_diffs_(max_diffs) {}

std::string Journal::PathOf(const std::string& origin_wire) const {
  if (dir_.empty()) return "";
  return absl::StrCat(dir_, "/transfer-journal/", FileStem(origin_wire), ".ixfr");
}

std::vector<std::string> Journal::Load() {
  std::vector<std::string> lines;
  if (dir_.empty()) return lines;
  const std::string folder = dir_ + "/transfer-journal";
  DIR* d = opendir(folder.c_str());
  if (d == nullptr) return lines;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".ixfr") names.push_back(name);
  }
  closedir(d);
  absl::MutexLock lock(&mu_);
  for (const std::string& name : names) {
    const std::string path = folder + "/" + name;
    std::string stem = name.substr(0, name.size() - 5);
    std::string wire;
    if (!NameFromText(stem == "root" ? "." : stem + ".", &wire)) continue;
    absl::StatusOr<std::string> data = base::ReadFile(path);
    if (!data.ok()) {
      lines.push_back(absl::StrCat(path, ": ", data.status().message(), " (journal ignored)"));
      continue;
    }
    absl::StatusOr<std::vector<std::shared_ptr<const ZoneDiff>>> diffs = DecodeJournal(*data);
    if (!diffs.ok()) {
      lines.push_back(absl::StrCat(path, ": ", diffs.status().message(), " (journal ignored)"));
      continue;
    }
    ZoneJournal& j = zones_[wire];
    j = ZoneJournal();
    for (auto& diff : *diffs) {
      j.records += diff->size();
      j.diffs.push_back(std::move(diff));
    }
  }
  return lines;
}

absl::Status Journal::Add(const std::string& origin_wire, ZoneDiff diff, size_t zone_records) {
  absl::MutexLock lock(&mu_);
  ZoneJournal& j = zones_[origin_wire];
  if (!j.diffs.empty() && j.diffs.back()->to_serial() != diff.from_serial()) {
    j = ZoneJournal();  // does not continue: start afresh
  }
  j.records += diff.size();
  j.diffs.push_back(std::make_shared<const ZoneDiff>(std::move(diff)));
  while (j.diffs.size() > max_diffs_ ||
         (j.diffs.size() > 1 && j.records > std::max<size_t>(zone_records, 64))) {
    j.records -= j.diffs.front()->size();
    j.diffs.pop_front();
  }
  return Persist(origin_wire, j);
}

absl::Status Journal::Persist(const std::string& origin_wire, const ZoneJournal& j) {
  if (dir_.empty()) return absl::OkStatus();
  const std::string folder = dir_ + "/transfer-journal";
  if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("cannot create ", folder));
  }
  std::vector<std::shared_ptr<const ZoneDiff>> diffs(j.diffs.begin(), j.diffs.end());
  return base::WriteFileAtomically(PathOf(origin_wire), EncodeJournal(diffs));
}

std::optional<std::vector<std::shared_ptr<const ZoneDiff>>> Journal::From(
    const std::string& origin_wire, uint32_t serial) const {
  absl::MutexLock lock(&mu_);
  auto it = zones_.find(origin_wire);
  if (it == zones_.end()) return std::nullopt;
  const auto& diffs = it->second.diffs;
  for (size_t i = 0; i < diffs.size(); ++i) {
    if (diffs[i]->from_serial() != serial) continue;
    return std::vector<std::shared_ptr<const ZoneDiff>>(diffs.begin() + i, diffs.end());
  }
  return std::nullopt;
}

std::optional<Journal::Range> Journal::RangeOf(const std::string& origin_wire) const {
  absl::MutexLock lock(&mu_);
  auto it = zones_.find(origin_wire);
  if (it == zones_.end() || it->second.diffs.empty()) return std::nullopt;
  const auto& diffs = it->second.diffs;
  return Range{diffs.front()->from_serial(), diffs.back()->to_serial(), diffs.size()};
}

}  // namespace dns::xfr
