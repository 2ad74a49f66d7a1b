// libFuzzer target: the master-file tokenizer (zones/master_tokenizer.h)
// and the reader over it (zones/master_reader.h) on any text. Checks, and
// aborts with the input when one fails:
//  - it ends, and moves forward: lines never go back, every Next() call
//    consumes text;
//  - every token lies inside the text, on a line between its entry's first
//    line and the last line of the text; an unquoted token is not empty and
//    holds no blank, newline, ';', '(', ')', '"' or NUL but after a '\';
//    a quoted one holds no newline and no '"' but after a '\'; `escaped`
//    is true exactly when the token holds a '\';
//  - an error has a message and a line of the text;
//  - the tokens of an entry, written out again on one line (quoted ones in
//    quotes, a blank between tokens but joined ones, a blank first for an
//    entry without owner), give back the same entry;
//  - the reader's errors are at most MasterErrors::kMax lines, each
//    "fuzz:LINE: message" with a line of the text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "base/string_view.h"
#include "zones/master_reader.h"
#include "zones/master_tokenizer.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "master_tokenizer_fuzz: %s: %s\n", what,
               absl::CEscape(base::AV(detail)).c_str());
  std::abort();
}

bool Special(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' ||
         c == '"' || c == '\0';
}

// Checks one token's text against its kind.
void CheckToken(const zones::MasterToken& t) {
  bool backslash = false;
  if (!t.quoted && t.text.empty()) Fail("empty unquoted token", "");
  for (size_t i = 0; i < t.text.size(); ++i) {
    const char c = t.text[i];
    if (c == '\\') {
      backslash = true;
      if (i + 1 >= t.text.size()) Fail("token ends in a lone backslash", t.text);
      if (t.text[i + 1] == '\n' || t.text[i + 1] == '\0')
        Fail("backslash before a newline or NUL", t.text);
      ++i;
      continue;
    }
    if (t.quoted ? (c == '\n' || c == '"' || c == '\0') : Special(c))
      Fail("token holds a character that ends it", t.text);
  }
  if (backslash != t.escaped) Fail("escaped flag wrong", t.text);
}

// The entry written on one line.
std::string Rewritten(const zones::MasterEntry& e) {
  std::string out = e.has_owner ? "" : " ";
  for (const zones::MasterToken& t : e.tokens) {
    if (!t.joined && !out.empty()) out.push_back(' ');
    if (t.quoted) out.push_back('"');
    out.append(t.text);
    if (t.quoted) out.push_back('"');
  }
  return out;
}

void CheckRewritten(const zones::MasterEntry& e) {
  const std::string line = Rewritten(e);
  zones::MasterTokenizer again(line);
  zones::MasterEntry e2;
  zones::MasterTokenizer::Error err;
  if (!again.Next(&e2, &err) || !err.message.empty()) Fail("rewritten entry does not read", line);
  if (e2.has_owner != e.has_owner || e2.tokens.size() != e.tokens.size())
    Fail("rewritten entry reads differently", line);
  for (size_t i = 0; i < e.tokens.size(); ++i) {
    if (e2.tokens[i].text != e.tokens[i].text || e2.tokens[i].quoted != e.tokens[i].quoted ||
        e2.tokens[i].escaped != e.tokens[i].escaped || e2.tokens[i].joined != e.tokens[i].joined)
      Fail("rewritten token reads differently", line);
  }
  if (again.Next(&e2, &err)) Fail("rewritten entry reads as two", line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  int last_line = 1;
  for (char c : text) last_line += c == '\n' ? 1 : 0;

  zones::MasterTokenizer tokenizer(text);
  zones::MasterEntry e;
  zones::MasterTokenizer::Error err;
  int calls = 0, line_before = tokenizer.line();
  while (tokenizer.Next(&e, &err)) {
    if (++calls > static_cast<int>(size) + 1) Fail("does not end", text.substr(0, 200));
    if (tokenizer.line() < line_before) Fail("line went back", text.substr(0, 200));
    line_before = tokenizer.line();
    if (!err.message.empty()) {
      if (err.line < 1 || err.line > last_line) Fail("error line out of range", err.message);
      continue;
    }
    if (e.tokens.empty()) Fail("entry without tokens", text.substr(0, 200));
    if (e.tokens[0].joined) Fail("first token joined", text.substr(0, 200));
    if (e.line < 1 || e.line > last_line) Fail("entry line out of range", text.substr(0, 200));
    int token_line = e.line;
    for (const zones::MasterToken& t : e.tokens) {
      if (t.text.data() < text.data() || t.text.data() + t.text.size() > text.data() + size)
        Fail("token outside the text", t.text);
      if (t.line < token_line || t.line > last_line) Fail("token line out of order", t.text);
      token_line = t.line;
      CheckToken(t);
    }
    CheckRewritten(e);
  }
  if (!err.message.empty() && (err.line < 1 || err.line > last_line))
    Fail("last error line out of range", err.message);

  zones::MasterErrors errors;
  zones::MasterReader reader("fuzz", std::string("\7example\3com\0", 13), zones::TtlContext(),
                             &errors);
  reader.Read(
      text,
      [&](const zones::MasterRecord& rr) {
        if (rr.line < 1 || rr.line > last_line) Fail("record line out of range", "");
        if (rr.owner_wire.empty() || rr.owner_wire.size() > 255) Fail("bad owner", rr.owner_wire);
        if (rr.ttl > 0x7fffffffu) Fail("TTL above 2^31-1", "");
        if (rr.rdata.size() > 65535) Fail("RDATA too long", "");
        return std::string();
      },
      nullptr);
  if (errors.lines().size() > zones::MasterErrors::kMax) Fail("too many error lines", "");
  if (errors.count() < errors.lines().size()) Fail("error count below the lines", "");
  for (const std::string& l : errors.lines()) {
    if (!absl::StartsWith(l, "fuzz:")) Fail("error without the file", l);
    const size_t colon = l.find(':', 5);
    int line = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(l.substr(5, colon - 5), &line) ||
        line < 1 || line > last_line || l.size() < colon + 3 || l[colon + 1] != ' ')
      Fail("error not file:line: message", l);
  }
  return 0;
}
