// The `latency build` command: flags -> RunLatencyBuild -> summary. See
// geo/build/latency_builder.h.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/string_view.h"
#include "geo/build/mmdb_source.h"
#include "tools/latency_build_command.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;
namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// 1234567 -> "1,234,567".
std::string Count(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
  return s;
}

std::string Bytes(size_t n) {
  if (n >= (1u << 20)) return absl::StrFormat("%.1f MiB", n / 1048576.0);
  if (n >= 1024) return absl::StrFormat("%.1f KiB", n / 1024.0);
  return absl::StrCat(n, " B");
}

constexpr char kUsage[] =
    R"(  --geoip FILE         where clients are (repeatable): tor-geoipdb text
                       (/usr/share/tor/geoip, geoip6), a MaxMind DB (.mmdb), or a
                       CSV network,latitude,longitude[,country]; kind detected
  --out FILE           the latency table CSV to write ("-" = stdout)
  --format FORMAT      table (default): network,region,rtt_ms | locations: the
                       compact default network,latitude,longitude,country that
                       steerdns ranks at start-up (--default-latency)
  --regions FILE       regions CSV region,latitude,longitude
                       (default: data/aws_regions.csv)
  --centroids FILE     country,latitude,longitude: where a country-only place is
                       (default: data/country_centroids.csv)
  --measured FILE      measured RTTs client,region,rtt_ms (repeatable); client is a
                       network, "geo:LAT,LON" or a country code; beats the model
  --match-km KM        radius of a geo: measurement (default 50)
  --model A,B          RTT = A ms + B ms per 1000 km (default 10,15.7)
  --fit-matrix FILE    fit the model (least absolute deviations) to an inter-region
                       RTT matrix src,dst,p50_ms, and use it
  --top K              keep the K best regions per network (default 0 = all)
  --merge MODE         optimal (default) | siblings | none
  --merge-key KEY      ranking (default): rows with the same region order merge,
                       RTTs averaged | rows: only identical rows merge
  --no-default         no 0.0.0.0/0 and ::/0 rows for unlocated addresses
  --quiet              no summary
  --help               this text
)";

}  // namespace

std::string_view LatencyBuildUsage() { return kUsage; }

absl::StatusOr<LatencyBuildRequest> ParseLatencyBuildArgs(
    absl::Span<const std::string> args) {
  LatencyBuildRequest req;
  req.regions_path = DefaultRegionsPath();
  req.centroids_path = DefaultCountryCentroidsPath();
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      has_value = true;
    }
    auto need = [&]() -> absl::StatusOr<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat(flag, ": needs a value"));
      }
      return args[++i];
    };
    auto bad = [&](std::string_view v, std::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": '", AV(v), "' is not ", AV(what)));
    };
    if (flag == "--quiet" || flag == "--no-default" || flag == "--help") {
      if (has_value) {
        return absl::InvalidArgumentError(absl::StrCat(flag, ": takes no value"));
      }
      if (flag == "--quiet") req.quiet = true;
      if (flag == "--no-default") req.options.default_rows = false;
      if (flag == "--help") return absl::InvalidArgumentError("--help");
      continue;
    }
    absl::StatusOr<std::string> v;
    if (flag == "--geoip" || flag == "--out" || flag == "--regions" ||
        flag == "--centroids" || flag == "--measured" || flag == "--fit-matrix" ||
        flag == "--top" || flag == "--merge" || flag == "--merge-key" ||
        flag == "--model" || flag == "--match-km" || flag == "--format") {
      v = need();
      if (!v.ok()) return v.status();
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '", flag, "'"));
    }
    if (flag == "--geoip") {
      req.geo_sources.push_back(*v);
    } else if (flag == "--out") {
      req.out_path = *v;
    } else if (flag == "--format") {
      if (*v == "table") {
        req.locations = false;
      } else if (*v == "locations") {
        req.locations = true;
      } else {
        return bad(*v, "table or locations");
      }
    } else if (flag == "--regions") {
      req.regions_path = *v;
    } else if (flag == "--centroids") {
      req.centroids_path = *v;
    } else if (flag == "--measured") {
      req.measured_paths.push_back(*v);
    } else if (flag == "--fit-matrix") {
      req.fit_matrix_path = *v;
    } else if (flag == "--top") {
      uint32_t k = 0;
      if (!absl::SimpleAtoi(*v, &k)) return bad(*v, "a count");
      req.options.top_k = k;
    } else if (flag == "--merge") {
      std::optional<MergeMode> m = ParseMergeMode(*v);
      if (!m) return bad(*v, "optimal, siblings or none");
      req.options.merge = *m;
    } else if (flag == "--merge-key") {
      if (*v == "ranking") {
        req.options.merge_by_ranking = true;
      } else if (*v == "rows") {
        req.options.merge_by_ranking = false;
      } else {
        return bad(*v, "ranking or rows");
      }
    } else if (flag == "--model") {
      std::vector<std::string> ab = absl::StrSplit(*v, ',');
      double a = 0, b = 0;
      if (ab.size() != 2 || !absl::SimpleAtod(ab[0], &a) ||
          !absl::SimpleAtod(ab[1], &b) || !std::isfinite(a) || !std::isfinite(b) ||
          b < 0) {
        return bad(*v, "A,B (ms, ms per 1000 km; B >= 0)");
      }
      req.options.model = DistanceModel{a, b / 1000};
      req.model_given = true;
    } else if (flag == "--match-km") {
      double km = 0;
      if (!absl::SimpleAtod(*v, &km) || !std::isfinite(km) || km < 0) {
        return bad(*v, "a distance in km >= 0");
      }
      req.options.location_match_km = km;
    }
  }
  if (req.geo_sources.empty()) {
    return absl::InvalidArgumentError("at least one --geoip FILE is needed");
  }
  if (req.out_path.empty()) return absl::InvalidArgumentError("--out FILE is needed");
  if (req.model_given && !req.fit_matrix_path.empty()) {
    return absl::InvalidArgumentError("--model and --fit-matrix exclude each other");
  }
  return req;
}

absl::StatusOr<LatencyBuildReport> RunLatencyBuild(const LatencyBuildRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  LatencyBuildReport rep;
  AdminStates ids;
  absl::StatusOr<std::shared_ptr<const RegionRegistry>> regions =
      RegionRegistry::LoadCsv(req.regions_path, ids);
  if (!regions.ok()) return regions.status();
  std::optional<CountryCentroids> centroids;
  if (!req.centroids_path.empty()) {
    absl::StatusOr<CountryCentroids> c = CountryCentroids::LoadCsv(req.centroids_path);
    if (!c.ok()) return c.status();
    centroids = std::move(*c);
  }
  LatencyBuildOptions opt = req.options;
  if (!req.fit_matrix_path.empty()) {
    absl::StatusOr<std::vector<DistanceSample>> samples =
        LoadRttMatrixSamples(req.fit_matrix_path, **regions);
    if (!samples.ok()) return samples.status();
    absl::StatusOr<DistanceFit> fit = FitLeastAbsoluteDeviations(*samples);
    if (!fit.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(req.fit_matrix_path, ": ", fit.status().message()));
    }
    rep.fit = *fit;
    opt.model = fit->model;
  }
  rep.model = opt.model;
  std::vector<MeasuredRtt> measured;
  for (const std::string& path : req.measured_paths) {
    absl::StatusOr<std::vector<MeasuredRtt>> m = LoadMeasuredCsv(path);
    if (!m.ok()) return m.status();
    measured.insert(measured.end(), m->begin(), m->end());
  }
  GeoNetworks nets;
  for (const std::string& path : req.geo_sources) {
    absl::StatusOr<GeoSourceKind> kind = DetectGeoSource(path);
    if (!kind.ok()) return kind.status();
    rep.sources.push_back(absl::StrCat(path, " (", AV(GeoSourceKindName(*kind)), ")"));
    if (absl::Status s = ReadGeoSource(path, nets); !s.ok()) return s;
  }
  rep.read_seconds = Since(t0);
  if (req.locations) {
    absl::StatusOr<NetworkLocations> locs =
        BuildNetworkLocations(nets, centroids ? &*centroids : nullptr);
    if (!locs.ok()) return locs.status();
    rep.stats = locs->stats;
    rep.stats.distinct_rankings = locs->locations.size();
    const auto tw = std::chrono::steady_clock::now();
    absl::StatusOr<size_t> bytes = WriteNetworkLocationsCsv(*locs, req.out_path);
    if (!bytes.ok()) return bytes.status();
    rep.output_bytes = *bytes;
    rep.write_seconds = Since(tw);
    rep.total_seconds = Since(t0);
    return rep;
  }
  absl::StatusOr<BuiltLatencyTable> table = BuildLatencyTable(
      nets, **regions, centroids ? &*centroids : nullptr, measured, opt);
  if (!table.ok()) return table.status();
  rep.stats = table->stats;
  const auto tw = std::chrono::steady_clock::now();
  absl::StatusOr<size_t> bytes = WriteLatencyCsv(*table, req.out_path);
  if (!bytes.ok()) return bytes.status();
  rep.output_bytes = *bytes;
  rep.write_seconds = Since(tw);
  rep.total_seconds = Since(t0);
  return rep;
}

std::string LatencyBuildReport::Summary(const LatencyBuildRequest& req) const {
  const LatencyBuildStats& s = stats;
  std::string out;
  absl::StrAppend(&out, "sources: ");
  for (size_t i = 0; i < sources.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", sources[i]);
  }
  absl::StrAppend(&out, "\nread: ", Count(s.input_records), " records (",
                  Count(s.unlocated_records), " unlocated), ", Count(s.places),
                  " places in ", absl::StrFormat("%.2f s", read_seconds), "\n");
  if (s.no_location_prefixes > 0) {
    absl::StrAppend(&out, "left out: ", Count(s.no_location_prefixes),
                    " prefixes whose country has no centroid:");
    for (size_t i = 0; i < s.no_location_countries.size() && i < 8; ++i) {
      absl::StrAppend(&out, " ", s.no_location_countries[i].first, "=",
                      s.no_location_countries[i].second);
    }
    absl::StrAppend(&out, "\n");
  }
  if (req.locations) {
    absl::StrAppend(
        &out, "prefixes in: ", Count(s.input_prefixes()), " (IPv4 ",
        Count(s.input_prefixes_v4), ", IPv6 ", Count(s.input_prefixes_v6),
        "); out: ", Count(s.output_networks()), " (IPv4 ",
        Count(s.output_networks_v4), ", IPv6 ", Count(s.output_networks_v6),
        "), adjacent networks at one location merged\n");
    absl::StrAppend(&out, "locations: ", Count(s.distinct_rankings), ", ",
                    Bytes(output_bytes), " -> ", req.out_path, "\n");
    absl::StrAppend(&out,
                    absl::StrFormat("time: read %.2f s, build %.2f s, write %.2f s, "
                                    "total %.2f s\n",
                                    read_seconds, s.build_seconds, write_seconds,
                                    total_seconds));
    return out;
  }
  if (fit) absl::StrAppend(&out, "fit: ", fit->ToString(), "\n");
  absl::StrAppend(&out, "model: ", model.ToString(), "; ", s.modeled_regions,
                  " regions with coordinates; top ",
                  req.options.top_k == 0 ? std::string("all")
                                         : std::to_string(req.options.top_k),
                  "\n");
  if (s.measured > 0) {
    absl::StrAppend(&out, "measured: ", Count(s.measured), " RTTs, ",
                    Count(s.measured_unused), " matched nothing\n");
  }
  absl::StrAppend(
      &out, "prefixes in: ", Count(s.input_prefixes()), " (IPv4 ",
      Count(s.input_prefixes_v4), ", IPv6 ", Count(s.input_prefixes_v6),
      "); out: ", Count(s.output_networks()), " (IPv4 ", Count(s.output_networks_v4),
      ", IPv6 ", Count(s.output_networks_v6), "), merge ",
      AV(MergeModeName(req.options.merge)), " by ",
      req.options.merge_by_ranking ? "ranking" : "rows", "\n");
  absl::StrAppend(&out, "table: ", Count(s.output_rows), " rows, ",
                  Count(s.distinct_rankings), " distinct rankings, ",
                  Bytes(output_bytes), " -> ", req.out_path, "\n");
  absl::StrAppend(&out,
                  absl::StrFormat("time: read %.2f s, build %.2f s, write %.2f s, "
                                  "total %.2f s\n",
                                  read_seconds, s.build_seconds, write_seconds,
                                  total_seconds));
  return out;
}

int RunLatencyBuildCommand(std::string_view prog, absl::Span<const std::string> args,
                           std::FILE* out, std::FILE* err) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fprintf(out, "usage: %.*s --geoip FILE... --out FILE [flags]\n%s",
                   static_cast<int>(prog.size()), prog.data(), kUsage);
      return 0;
    }
  }
  absl::StatusOr<LatencyBuildRequest> req = ParseLatencyBuildArgs(args);
  if (!req.ok()) {
    std::fprintf(err, "%.*s: %.*s (see --help)\n", static_cast<int>(prog.size()),
                 prog.data(), static_cast<int>(req.status().message().size()),
                 req.status().message().data());
    return 2;
  }
  absl::StatusOr<LatencyBuildReport> rep = RunLatencyBuild(*req);
  if (!rep.ok()) {
    std::fprintf(err, "%.*s: %.*s\n", static_cast<int>(prog.size()), prog.data(),
                 static_cast<int>(rep.status().message().size()),
                 rep.status().message().data());
    return 1;
  }
  if (!req->quiet) {
    const std::string s = rep->Summary(*req);
    std::fputs(s.c_str(), req->out_path == "-" ? err : out);
  }
  return 0;
}

}  // namespace geo
