// File: geo/csv_reader.h
//
// Record-at-a-time CSV reading on top of libcsv (RFC 4180 quoting, strict
// mode), with the 1-based line number of each record for "file:line: ..."
// errors, and ForEachCsvRow for header-driven files (columns found by name,
// field counts checked). Used by the latency table, region registry,
// network locations and build-time loaders; not part of geo/'s query-path
// API.
//
// Lines are fed to libcsv one at a time, so a record's line is the line on
// which its first field ends (the line it starts on, unless that first field
// is quoted and spans lines). Blank lines are skipped. A UTF-8 byte-order
// mark at the start is ignored. Unquoted fields have surrounding spaces and
// tabs trimmed (libcsv's default).
//
// Example:
//   absl::Status s = geo::ForEachCsvRecord(text, "table.csv",
//       [&](absl::Span<const std::string_view> fields, int line) {
//         ...; return absl::OkStatus();
//       });
//
// Thread safety: stateless; concurrent calls are independent.
#ifndef STEERDNS_GEO_CSV_READER_H_
#define STEERDNS_GEO_CSV_READER_H_

#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace geo {

// Calls `on_record(fields, line)` for every record of `text`, in order. The
// views are valid only during the call. Stops at, and returns, the first
// non-OK status from `on_record`; malformed CSV gives InvalidArgument
// "source:line: malformed CSV: ...".
absl::Status ForEachCsvRecord(
    std::string_view text, std::string_view source,
    absl::FunctionRef<absl::Status(absl::Span<const std::string_view> fields,
                                   int line)>
        on_record);

// A column of a header-driven CSV: the names it may have, whether it must
// be there, and (filled by ForEachCsvRow) its index, -1 if absent.
struct CsvColumn {
  std::initializer_list<std::string_view> names;
  bool required = true;
  int index = -1;
};

// Finds `columns` in header `fields` (read at `line`). Errors
// (InvalidArgument "source:line: ..."): a column given twice, or a
// required one missing ("header must have columns network, latitude or
// lat; got 'network,x'").
absl::Status FindCsvColumns(absl::Span<const std::string_view> fields,
                            absl::Span<CsvColumn* const> columns,
                            std::string_view source, int line);

// A header-driven CSV: the first record is the header, in which
// FindCsvColumns() finds `columns`; then `on_row(fields, line)` is called
// for every further record, which must have as many fields as the header
// ("source:line: expected 4 fields as in the header, got 3"). Text without
// any record: "source:1: empty file (expected a header
// <expected_header>)". Stops at the first error, as ForEachCsvRecord.
absl::Status ForEachCsvRow(
    std::string_view text, std::string_view source,
    absl::Span<CsvColumn* const> columns, std::string_view expected_header,
    absl::FunctionRef<absl::Status(absl::Span<const std::string_view> fields,
                                   int line)>
        on_row);

// Reads a whole file. NotFound / PermissionDenied / Internal with the path
// and strerror in the message.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace geo

#endif  // STEERDNS_GEO_CSV_READER_H_
