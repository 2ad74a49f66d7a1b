// File: zones/master_tokenizer.h
//
// The lexical layer of RFC 1035 §5.1 master files: text in, one *entry* at
// a time out. An entry is an RR or a $directive: the tokens of one line, or
// of several lines joined by parentheses.
//
//   www  IN 300 TXT ( "v=spf1 -all"   ; a comment
//                     "second string" )
//
// gives one entry (line 1, owner present) with the tokens
// `www` `IN` `300` `TXT` `v=spf1 -all`(quoted) `second string`(quoted).
//
// Rules (as NSD, Knot and BIND read them):
//   - blanks are space, tab and CR; a line ends at LF;
//   - `;` starts a comment that runs to the end of the line, outside quotes;
//   - `"..."` is one token; inside it `\"` and `\\` do not end it. A line
//     break inside it is part of the string within parentheses (NSD and
//     Knot keep it: `\010`) and an error outside them (an unterminated
//     quote, as Knot and BIND have it);
//   - a `"` ends an unquoted token and starts a quoted one (`a"b"` is
//     `a` and `b`), which is marked `joined` to the one before (SVCB's
//     `alpn="h2"`, RFC 9460 §2.1, needs them as one);
//   - `\X` outside quotes makes X part of the token, whatever it is
//     (`\ `, `\;`, `\(`); escapes are kept in the token text as written,
//     for the name and string readers to decode (`\.` in a name differs
//     from `.`);
//   - `(` and `)` are not tokens: between them line breaks are blanks; a
//     second `(` before the `)` is an error, so is `)` without `(`, and a
//     file that ends inside parentheses ("unclosed '(' opened at line N");
//   - an entry whose first line starts with a blank has no owner (the
//     previous owner applies); a line of only blanks and comments is no
//     entry;
//   - a NUL octet anywhere is an error (no master file has one; the old
//     parsers disagreed on what it meant).
//
// After an error the tokenizer resumes at the next line (or after the
// closing parenthesis), so a reader can report several errors of a file.
//
// Example:
//   zones::MasterTokenizer t(text);
//   zones::MasterEntry e;
//   zones::MasterTokenizer::Error err;
//   while (t.Next(&e, &err)) {
//     if (!err.message.empty()) { report(err.line, err.message); continue; }
//     use(e);
//   }
//
// Thread safety: one tokenizer per text and thread; tokens point into
// `text`, which must outlive them.
#ifndef STEERDNS_ZONES_MASTER_TOKENIZER_H_
#define STEERDNS_ZONES_MASTER_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zones {

// One token as written: for a quoted string, the text between the quotes.
struct MasterToken {
  std::string_view text;
  int line = 0;          // where the token starts
  bool quoted = false;   // written as "..."
  bool escaped = false;  // holds a backslash escape
  // No blank between it and the token before: `alpn="h2"` is the tokens
  // `alpn=` and `h2` (quoted, joined). Readers of SVCB-style `key="value"`
  // put them back together; elsewhere they are two tokens (as BIND has it).
  bool joined = false;
};

// One RR or directive.
struct MasterEntry {
  int line = 0;              // line of its first token
  bool has_owner = false;    // false: the line started with a blank
  std::vector<MasterToken> tokens;
};

class MasterTokenizer {
 public:
  // What went wrong with an entry; empty message: none.
  struct Error {
    int line = 0;
    std::string message;
  };

  explicit MasterTokenizer(std::string_view text)
      : text_(text), lf_end_(text.rfind('\n') + 1) {}  // npos + 1 == 0

  // Reads the next entry into *entry (its tokens vector is reused). Returns
  // false at the end of the text. On a lexical error returns true with
  // err->message set (and *entry holding what was read before it).
  bool Next(MasterEntry* entry, Error* err);

  // The line the tokenizer is at (1-based).
  int line() const { return line_; }

 private:
  // Records an error at `line` in *err and skips what is left of the
  // entry: the rest of the line, and with `in_paren` everything up to the
  // ')'. Returns true (Next()'s value for an entry with an error).
  [[gnu::cold, gnu::noinline]] bool Fail(Error* err, int line, std::string message,
                                         bool in_paren);

  std::string_view text_;
  // One past the last LF (0 if none): a scan for a token's end that starts
  // before it meets an LF at the latest, so it needs no bounds check.
  size_t lf_end_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace zones

#endif  // STEERDNS_ZONES_MASTER_TOKENIZER_H_
