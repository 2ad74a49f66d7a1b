// libFuzzer target: the master-file reader's two parsers must agree. The
// input is master-file text for example.com.; every line that starts an RR
// is read both ways (the fast path and ldns, zones/master_file_rr.h) with
// the $ORIGIN and previous owner the reader has there
// (zones::ForEachRRLineBothWays). The oracle: where the fast path reads a
// line, ldns reads the whole line as the same owner, type, class, TTL and
// RDATA (a line the fast path declines is ldns's alone: the reader gives it
// to ldns). A disagreement that is not a known, deliberate one
// (zones::KnownRRLineDifference) aborts with both readings, so libFuzzer
// reports the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "base/string_view.h"
#include "zones/master_file.h"
#include "zones/master_file_rr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* origin = new std::string("\7example\3com\0", 13);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::Status st = zones::ForEachRRLineBothWays(
      text, *origin,
      [](int line, std::string_view line_text,
         const zones::RRLineReadings& readings) {
        const std::string disagreement = zones::RRLineDisagreement(readings);
        if (disagreement.empty() ||
            !zones::KnownRRLineDifference(line_text, readings).empty()) {
          return;
        }
        std::fprintf(stderr, "line %d \"%s\": %s\n", line,
                     absl::CEscape(base::AV(line_text)).c_str(),
                     disagreement.c_str());
        std::abort();
      });
  if (!st.ok() && st.message().empty()) std::abort();  // errors say what
  return 0;
}
