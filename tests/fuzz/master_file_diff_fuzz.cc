// libFuzzer target: our master-file reader against ldns. The input is
// master-file text for example.com.; each of its lines is read by our
// reader (zones/master_reader.h) and by ldns_rr_new_frm_str()
// (tests/zones/ldns_line_diff.h). The oracle: where both read a line as an
// RR, they read the same owner, type, class, TTL and wire RDATA. A
// disagreement that is not a known, deliberate one aborts with both
// readings, so libFuzzer reports the input. (A line either one refuses is
// not compared: ours refuses on purpose what ldns lets through, see
// tests/zones/master_file_diff_test.cc.)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "base/string_view.h"
#include "tests/zones/ldns_line_diff.h"
#include "zones/master_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* origin = new std::string("\7example\3com\0", 13);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  int n = 0;
  for (absl::string_view l : absl::StrSplit(base::AV(text), '\n')) {
    const std::string_view line(l.data(), l.size());
    ++n;
    const zones_test::LineComparison c = zones_test::CompareLineWithLdns(line, *origin);
    if (c.ours_read && !c.ours_error.empty()) std::abort();  // read means no error
    if (!c.ours_read && c.ours_error.empty()) {
      // Ours read no RR and said nothing: only a line without tokens
      // (blanks, comments, parentheses) or a directive may do that.
      zones::MasterTokenizer tokenizer(line);
      zones::MasterEntry e;
      zones::MasterTokenizer::Error err;
      while (tokenizer.Next(&e, &err)) {
        if (!err.message.empty() || (e.has_owner && !e.tokens[0].quoted &&
                                     !e.tokens[0].text.empty() && e.tokens[0].text[0] == '$'))
          continue;
        std::fprintf(stderr, "line %d \"%s\": ours reads nothing and says nothing\n", n,
                     absl::CEscape(base::AV(line)).c_str());
        std::abort();
      }
    }
    if (c.disagreement.empty() || !c.known.empty()) continue;
    std::fprintf(stderr, "line %d \"%s\": %s\n  ours %s\n  ldns %s\n", n,
                 absl::CEscape(base::AV(line)).c_str(), c.disagreement.c_str(),
                 zones_test::DescribeLineRR(c.ours).c_str(),
                 zones_test::DescribeLineRR(c.ldns).c_str());
    std::abort();
  }
  return 0;
}
