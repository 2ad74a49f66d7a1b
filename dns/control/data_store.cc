#include "dns/control/data_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/errno_status.h"
#include "base/file.h"
#include "base/string_view.h"
#include "nlohmann/json.hpp"

namespace dns::control {
namespace {

using nlohmann::json;


using base::AV;

// base::WriteFileAtomically; any failure is the data dir's (Internal).
absl::Status WriteDurably(const std::string& path, std::string_view content) {
  absl::Status s = base::WriteFileAtomically(path, content);
  if (!s.ok()) return absl::InternalError(s.message());
  return s;
}

absl::Status IoError(const std::string& path, const char* what, int err) {
  return absl::InternalError(absl::StrCat(path, ": ", what, ": ", base::ErrnoText(err)));
}

// mkdir -p for one level, durable: the parent is fsynced after a create.
absl::Status MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) {
    absl::Status s = base::FsyncDir(base::ParentDir(dir));
    if (!s.ok()) return absl::InternalError(s.message());
    return s;
  }
  if (errno != EEXIST) return IoError(dir, "mkdir", errno);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return IoError(dir, "stat", errno);
  if (!S_ISDIR(st.st_mode)) {
    return absl::InternalError(absl::StrCat(dir, ": exists and is not a folder"));
  }
  return absl::OkStatus();
}

// Names in `dir` (no "." or ".."); empty if the folder does not exist.
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return IoError(dir, "opendir", errno);
  }
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void RemoveQuietly(const std::string& path) { (void)::unlink(path.c_str()); }

absl::StatusOr<std::string> ReadText(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return absl::InternalError(text.status().message());
  return text;
}

// The whole file, or none if it does not exist.
absl::StatusOr<std::optional<std::string>> ReadIfPresent(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return IoError(path, "stat", errno);
  }
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  return std::optional<std::string>(*std::move(text));
}

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

// "000003-0.zone": generation, index, extension by format.
std::string StoredFileName(uint64_t generation, size_t index, const std::string& format) {
  return absl::StrFormat("%06d-%d.%s", generation, index,
                         format == "route53" ? "json" : "zone");
}

// "000003-000012.json" -> {3, 12}; false for anything else.
bool ParseJournalName(const std::string& name, uint64_t* generation, uint64_t* seq) {
  if (!absl::EndsWith(name, ".json")) return false;
  const std::string stem = name.substr(0, name.size() - 5);
  const size_t dash = stem.find('-');
  if (dash == std::string::npos) return false;
  return absl::SimpleAtoi(stem.substr(0, dash), generation) &&
         absl::SimpleAtoi(stem.substr(dash + 1), seq);
}

// The generation a stored zone file name belongs to ("000003-1.json" -> 3).
bool ParseGeneration(const std::string& name, uint64_t* generation) {
  const size_t dash = name.find('-');
  return dash != std::string::npos && dash > 0 &&
         absl::SimpleAtoi(name.substr(0, dash), generation);
}

}  // namespace

std::string ZoneFolderName(std::string_view origin_text) {
  if (origin_text == ".") return "%2E";
  std::string out;
  for (char c : origin_text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '.' || u == '-' ||
        u == '_') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", u);
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<DataStore>> DataStore::Open(const std::string& dir_in) {
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return absl::InvalidArgumentError("empty data dir");
  absl::Status st = MakeDir(dir);
  if (!st.ok()) return st;
  st = MakeDir(dir + "/zones");
  if (!st.ok()) return st;
  // A temp file at the top level is a write that never committed.
  absl::StatusOr<std::vector<std::string>> names = ListDir(dir);
  if (!names.ok()) return names.status();
  for (const std::string& n : *names) {
    if (base::IsTempFileName(n)) RemoveQuietly(dir + "/" + n);
  }
  return std::unique_ptr<DataStore>(new DataStore(std::move(dir)));
}

std::string DataStore::ZoneFolder(std::string_view origin_text) const {
  return absl::StrCat(dir_, "/zones/", ZoneFolderName(origin_text));
}

absl::StatusOr<std::vector<StoredZone>> DataStore::LoadZones() {
  std::vector<StoredZone> out;
  const std::string zones_dir = dir_ + "/zones";
  absl::StatusOr<std::vector<std::string>> folders = ListDir(zones_dir);
  if (!folders.ok()) return folders.status();
  for (const std::string& folder_name : *folders) {
    const std::string folder = zones_dir + "/" + folder_name;
    if (!IsDir(folder)) {
      if (base::IsTempFileName(folder_name)) RemoveQuietly(folder);
      continue;
    }
    const std::string manifest_path = folder + "/manifest.json";
    absl::StatusOr<std::vector<std::string>> names = ListDir(folder);
    if (!names.ok()) return names.status();
    if (std::find(names->begin(), names->end(), "manifest.json") == names->end()) {
      // An interrupted first write: nothing here was ever committed.
      for (const std::string& n : *names) RemoveQuietly(folder + "/" + n);
      absl::StatusOr<std::vector<std::string>> changes = ListDir(folder + "/changes");
      if (changes.ok()) {
        for (const std::string& n : *changes) RemoveQuietly(folder + "/changes/" + n);
      }
      (void)::rmdir((folder + "/changes").c_str());
      (void)::rmdir(folder.c_str());
      continue;
    }
    absl::StatusOr<std::string> text = ReadText(manifest_path);
    if (!text.ok()) return text.status();
    StoredZone z;
    z.folder = folder;
    std::vector<std::string> stored_as;
    try {
      const json m = json::parse(*text);
      z.origin = m.at("origin").get<std::string>();
      const std::string state = m.at("state").get<std::string>();
      if (state != "loaded" && state != "unloaded") {
        return absl::DataLossError(
            absl::StrCat(manifest_path, ": state '", state, "' is not loaded or unloaded"));
      }
      z.unloaded = state == "unloaded";
      z.generation = m.at("generation").get<uint64_t>();
      if (!z.unloaded) {
        for (const json& f : m.at("files")) {
          ZoneFile file;
          file.name = f.at("name").get<std::string>();
          file.format = f.at("format").get<std::string>();
          stored_as.push_back(f.at("stored_as").get<std::string>());
          z.files.push_back(std::move(file));
        }
      }
    } catch (const json::exception& e) {
      return absl::DataLossError(absl::StrCat(manifest_path, ": ", e.what()));
    }
    for (size_t i = 0; i < z.files.size(); ++i) {
      const std::string path = folder + "/" + stored_as[i];
      absl::StatusOr<std::string> content = ReadText(path);
      if (!content.ok()) return content.status();
      z.files[i].content = *std::move(content);
      z.file_paths.push_back(path);
    }
    // Garbage: temp files, and files of other generations.
    for (const std::string& n : *names) {
      if (n == "manifest.json" || n == "changes") continue;
      uint64_t g = 0;
      if (base::IsTempFileName(n) || !ParseGeneration(n, &g) || g != z.generation ||
          std::find(stored_as.begin(), stored_as.end(), n) == stored_as.end()) {
        RemoveQuietly(folder + "/" + n);
      }
    }
    // The journal of this generation, in order.
    absl::StatusOr<std::vector<std::string>> journal = ListDir(folder + "/changes");
    if (!journal.ok()) return journal.status();
    std::vector<std::pair<uint64_t, std::string>> entries;
    for (const std::string& n : *journal) {
      uint64_t g = 0, seq = 0;
      if (base::IsTempFileName(n) || !ParseJournalName(n, &g, &seq) || g != z.generation ||
          z.unloaded) {
        RemoveQuietly(folder + "/changes/" + n);
        continue;
      }
      entries.emplace_back(seq, n);
    }
    std::sort(entries.begin(), entries.end());
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string path = folder + "/changes/" + entries[i].second;
      if (entries[i].first != i + 1) {
        return absl::DataLossError(absl::StrCat(
            path, ": journal entry ", entries[i].first, " where ", i + 1,
            " was expected (a change batch file is missing)"));
      }
      absl::StatusOr<std::string> body = ReadText(path);
      if (!body.ok()) return body.status();
      JournalEntry e;
      e.seq = entries[i].first;
      e.path = path;
      try {
        const json j = json::parse(*body);
        e.id = j.value("id", "");
        e.submitted_at = j.value("submitted_at", "");
        e.comment = j.value("comment", "");
        e.batch_json = j.at("change_batch").dump();
      } catch (const json::exception& ex) {
        return absl::DataLossError(absl::StrCat(path, ": ", ex.what()));
      }
      z.changes.push_back(std::move(e));
    }
    ZoneMeta& meta = meta_[z.origin];
    meta.generation = z.generation;
    meta.loaded = !z.unloaded;
    meta.next_seq = z.changes.size() + 1;
    out.push_back(std::move(z));
  }
  std::sort(out.begin(), out.end(),
            [](const StoredZone& a, const StoredZone& b) { return a.origin < b.origin; });
  return out;
}

absl::Status DataStore::PutGeneration(std::string_view origin_text, bool loaded,
                                      const std::vector<ZoneFile>& files) {
  const std::string origin(origin_text);
  const std::string folder = ZoneFolder(origin);
  absl::Status st = MakeDir(folder);
  if (!st.ok()) return st;
  st = MakeDir(folder + "/changes");
  if (!st.ok()) return st;
  ZoneMeta& meta = meta_[origin];
  // A folder written before this process started but not loaded (cannot
  // happen after LoadZones) still gets a fresh generation number.
  const uint64_t generation = meta.generation + 1;

  json manifest;
  manifest["origin"] = origin;
  manifest["state"] = loaded ? "loaded" : "unloaded";
  manifest["generation"] = generation;
  manifest["written_at"] = NowRfc3339();
  manifest["files"] = json::array();
  std::vector<std::string> keep = {"manifest.json", "changes"};
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string name = StoredFileName(generation, i, files[i].format);
    st = WriteDurably(folder + "/" + name, files[i].content);
    if (!st.ok()) return st;
    manifest["files"].push_back(
        {{"name", files[i].name}, {"format", files[i].format}, {"stored_as", name}});
    keep.push_back(name);
  }
  // The commit point.
  st = WriteDurably(folder + "/manifest.json", manifest.dump(2) + "\n");
  if (!st.ok()) return st;
  meta.generation = generation;
  meta.loaded = loaded;
  meta.next_seq = 1;

  // Older generations and their journal: garbage now (load would ignore
  // them too, so a failure here is harmless).
  absl::StatusOr<std::vector<std::string>> names = ListDir(folder);
  if (names.ok()) {
    for (const std::string& n : *names) {
      if (std::find(keep.begin(), keep.end(), n) == keep.end()) RemoveQuietly(folder + "/" + n);
    }
  }
  absl::StatusOr<std::vector<std::string>> journal = ListDir(folder + "/changes");
  if (journal.ok()) {
    for (const std::string& n : *journal) RemoveQuietly(folder + "/changes/" + n);
  }
  return absl::OkStatus();
}

absl::Status DataStore::PutZone(std::string_view origin_text,
                                const std::vector<ZoneFile>& files) {
  return PutGeneration(origin_text, /*loaded=*/true, files);
}

absl::Status DataStore::PutTombstone(std::string_view origin_text) {
  return PutGeneration(origin_text, /*loaded=*/false, {});
}

bool DataStore::HasZone(std::string_view origin_text) const {
  auto it = meta_.find(std::string(origin_text));
  return it != meta_.end() && it->second.loaded;
}

absl::Status DataStore::DropZone(std::string_view origin_text) {
  const std::string folder = ZoneFolder(origin_text);
  if (!IsDir(folder)) return absl::OkStatus();
  // The commit point: without its manifest the folder is garbage.
  const std::string manifest = folder + "/manifest.json";
  if (::unlink(manifest.c_str()) != 0 && errno != ENOENT) {
    return IoError(manifest, "unlink", errno);
  }
  absl::Status st = base::FsyncDir(folder);
  if (!st.ok()) return absl::InternalError(st.message());
  // The generation number stays: a later PutZone writes a newer one, so
  // files this removal might leave behind can never count.
  auto it = meta_.find(std::string(origin_text));
  if (it != meta_.end()) {
    it->second.loaded = false;
    it->second.next_seq = 1;
  }
  absl::StatusOr<std::vector<std::string>> journal = ListDir(folder + "/changes");
  if (journal.ok()) {
    for (const std::string& n : *journal) RemoveQuietly(folder + "/changes/" + n);
  }
  (void)::rmdir((folder + "/changes").c_str());
  absl::StatusOr<std::vector<std::string>> names = ListDir(folder);
  if (names.ok()) {
    for (const std::string& n : *names) RemoveQuietly(folder + "/" + n);
  }
  if (::rmdir(folder.c_str()) == 0) (void)base::FsyncDir(dir_ + "/zones");
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, ZoneSerial>> DataStore::LoadSerials() const {
  std::map<std::string, ZoneSerial> out;
  const std::string path = serials_path();
  absl::StatusOr<std::optional<std::string>> text = ReadIfPresent(path);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return out;
  try {
    const json j = json::parse(**text);
    for (const auto& [origin, z] : j.at("zones").items()) {
      ZoneSerial s;
      for (auto [field, out] : {std::pair{"serial", &s.serial},
                                std::pair{"data_serial", &s.data_serial}}) {
        const json& v = z.at(field);
        if (!v.is_number_unsigned() || v.get<uint64_t>() > 0xFFFFFFFFu) {
          return absl::DataLossError(absl::StrCat(path, ": zone ", origin, ": ", field, " ",
                                                  v.dump(), " is not a serial (0..4294967295)"));
        }
        *out = static_cast<uint32_t>(v.get<uint64_t>());
      }
      const std::string digest = z.at("digest").get<std::string>();
      if (digest.size() != 16 || !absl::SimpleHexAtoi(digest, &s.digest)) {
        return absl::DataLossError(
            absl::StrCat(path, ": zone ", origin, ": digest '", digest, "' is not 16 hex digits"));
      }
      out[origin] = s;
    }
  } catch (const json::exception& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what()));
  }
  return out;
}

absl::Status DataStore::PutSerials(const std::map<std::string, ZoneSerial>& serials) {
  json j;
  j["zones"] = json::object();
  for (const auto& [origin, s] : serials) {
    j["zones"][origin] = {{"serial", s.serial},
                          {"data_serial", s.data_serial},
                          {"digest", absl::StrFormat("%016x", s.digest)}};
  }
  j["written_at"] = NowRfc3339();
  return WriteDurably(serials_path(), j.dump(2) + "\n");
}

absl::Status DataStore::AppendChange(std::string_view origin_text, JournalEntry* entry) {
  auto it = meta_.find(std::string(origin_text));
  if (it == meta_.end() || !it->second.loaded) {
    return absl::FailedPreconditionError(
        absl::StrCat("data dir has no copy of zone ", AV(origin_text)));
  }
  ZoneMeta& meta = it->second;
  json j;
  j["id"] = entry->id;
  j["submitted_at"] = entry->submitted_at;
  j["comment"] = entry->comment;
  try {
    j["change_batch"] = json::parse(entry->batch_json);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("change batch is not JSON: ", e.what()));
  }
  const std::string path =
      absl::StrCat(ZoneFolder(origin_text), "/changes/",
                   absl::StrFormat("%06d-%06d.json", meta.generation, meta.next_seq));
  absl::Status st = WriteDurably(path, j.dump(2) + "\n");
  if (!st.ok()) return st;
  entry->seq = meta.next_seq++;
  entry->path = path;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> DataStore::LoadLatency() const {
  return ReadIfPresent(latency_path());
}

absl::Status DataStore::PutLatency(std::string_view csv) {
  return WriteDurably(latency_path(), csv);
}

absl::StatusOr<std::optional<std::string>> DataStore::LoadHealthChecks() const {
  return ReadIfPresent(health_checks_path());
}

absl::Status DataStore::PutHealthChecks(std::string_view json) {
  return WriteDurably(health_checks_path(), json);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
DataStore::LoadRegionStates() const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string path = dir_ + "/regions.json";
  absl::StatusOr<std::optional<std::string>> text = ReadIfPresent(path);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return out;
  try {
    const json j = json::parse(**text);
    for (const auto& [name, state] : j.at("regions").items()) {
      out.emplace_back(name, state.get<std::string>());
    }
  } catch (const json::exception& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what()));
  }
  return out;
}

absl::Status DataStore::PutRegionStates(
    const std::vector<std::pair<std::string, std::string>>& states) {
  json j;
  j["regions"] = json::object();
  for (const auto& [name, state] : states) j["regions"][name] = state;
  return WriteDurably(dir_ + "/regions.json", j.dump(2) + "\n");
}

}  // namespace dns::control
