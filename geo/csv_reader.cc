#include "geo/csv_reader.h"

#include <csv.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;
namespace {

// State shared with libcsv's C callbacks.
struct Context {
  explicit Context(
      absl::FunctionRef<absl::Status(absl::Span<const std::string_view>, int)>
          f)
      : on_record(f) {}
  absl::FunctionRef<absl::Status(absl::Span<const std::string_view>, int)>
      on_record;
  int line = 0;         // line being fed
  int record_line = 0;  // line of the record in progress (0 = none yet)
  std::string arena;    // this record's field bytes
  std::vector<std::pair<size_t, size_t>> spans;  // (offset, size) in arena
  std::vector<std::string_view> views;
  absl::Status status;  // first error from on_record
};

void OnField(void* data, size_t len, void* ctx_ptr) {
  auto* ctx = static_cast<Context*>(ctx_ptr);
  if (!ctx->status.ok()) return;
  if (ctx->record_line == 0) ctx->record_line = ctx->line;
  ctx->spans.emplace_back(ctx->arena.size(), len);
  if (data != nullptr && len > 0) {
    ctx->arena.append(static_cast<const char*>(data), len);
  }
}

void OnRecord(int /*terminator*/, void* ctx_ptr) {
  auto* ctx = static_cast<Context*>(ctx_ptr);
  if (ctx->status.ok()) {
    ctx->views.clear();
    for (const auto& [off, len] : ctx->spans) {
      ctx->views.emplace_back(ctx->arena.data() + off, len);
    }
    ctx->status = ctx->on_record(
        ctx->views, ctx->record_line == 0 ? ctx->line : ctx->record_line);
  }
  ctx->arena.clear();
  ctx->spans.clear();
  ctx->record_line = 0;
}

// Owns a csv_parser for the duration of one read.
class Parser {
 public:
  Parser() { ok_ = csv_init(&p_, CSV_STRICT | CSV_STRICT_FINI) == 0; }
  ~Parser() {
    if (ok_) csv_free(&p_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  bool ok() const { return ok_; }
  csv_parser* get() { return &p_; }

 private:
  csv_parser p_{};
  bool ok_ = false;
};

absl::Status Malformed(std::string_view source, int line, csv_parser* p) {
  return absl::InvalidArgumentError(absl::StrCat(
      AV(source), ":", line, ": malformed CSV: ", csv_strerror(csv_error(p))));
}

}  // namespace

absl::Status ForEachCsvRecord(
    std::string_view text, std::string_view source,
    absl::FunctionRef<absl::Status(absl::Span<const std::string_view>, int)>
        on_record) {
  Parser parser;
  if (!parser.ok()) return absl::InternalError("csv_init failed");
  Context ctx(on_record);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  size_t pos = 0;
  while (pos < text.size() && ctx.status.ok()) {
    size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    ++ctx.line;
    const size_t n = end - pos;
    if (csv_parse(parser.get(), text.data() + pos, n, OnField, OnRecord,
                  &ctx) != n) {
      if (!ctx.status.ok()) return ctx.status;
      return Malformed(source, ctx.line, parser.get());
    }
    pos = end;
  }
  if (!ctx.status.ok()) return ctx.status;
  if (csv_fini(parser.get(), OnField, OnRecord, &ctx) != 0) {
    if (!ctx.status.ok()) return ctx.status;
    return Malformed(source, ctx.line, parser.get());
  }
  return ctx.status;
}

absl::Status FindCsvColumns(absl::Span<const std::string_view> f,
                            absl::Span<CsvColumn* const> cols,
                            std::string_view source, int line) {
  auto error = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(source), ":", line, ": ", AV(what)));
  };
  for (size_t i = 0; i < f.size(); ++i) {
    for (CsvColumn* c : cols) {
      for (std::string_view n : c->names) {
        if (f[i] != n) continue;
        if (c->index != -1) {
          return error(absl::StrCat("column '", AV(f[i]),
                                    "' duplicates an earlier column"));
        }
        c->index = static_cast<int>(i);
      }
    }
  }
  std::string want;
  bool missing = false;
  for (const CsvColumn* c : cols) {
    if (!c->required) continue;
    if (c->index < 0) missing = true;
    if (!want.empty()) want += ", ";
    bool first = true;
    for (std::string_view n : c->names) {
      absl::StrAppend(&want, first ? "" : " or ", AV(n));
      first = false;
    }
  }
  if (missing) {
    return error(absl::StrCat("header must have columns ", want, "; got '",
                              absl::StrJoin(f, ",", StdViewFormatter()), "'"));
  }
  return absl::OkStatus();
}

absl::Status ForEachCsvRow(
    std::string_view text, std::string_view source,
    absl::Span<CsvColumn* const> columns, std::string_view expected_header,
    absl::FunctionRef<absl::Status(absl::Span<const std::string_view>, int)>
        on_row) {
  bool have_header = false;
  size_t width = 0;
  absl::Status s = ForEachCsvRecord(
      text, source,
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        if (!have_header) {
          have_header = true;
          width = f.size();
          return FindCsvColumns(f, columns, source, line);
        }
        if (f.size() != width) {
          return absl::InvalidArgumentError(
              absl::StrCat(AV(source), ":", line, ": expected ", width,
                           " fields as in the header, got ", f.size()));
        }
        return on_row(f, line);
      });
  if (!s.ok()) return s;
  if (!have_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(source), ":1: empty file (expected a header ",
                     AV(expected_header), ")"));
  }
  return absl::OkStatus();
}

}  // namespace geo
