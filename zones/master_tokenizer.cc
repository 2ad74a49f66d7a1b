// File: zones/master_tokenizer.cc
#include "zones/master_tokenizer.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace zones {
namespace {

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Ends an unquoted token.
inline bool EndsToken(char c) {
  return IsBlank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

}  // namespace

bool MasterTokenizer::Next(MasterEntry* entry, Error* err) {
  entry->tokens.clear();
  entry->has_owner = false;
  entry->line = 0;
  err->message.clear();
  const size_t size = text_.size();
  int paren_line = 0;  // line of the open '(', 0 outside parentheses
  size_t token_end = 0;  // where the last token ended
  bool line_starts_blank = pos_ < size && IsBlank(text_[pos_]);

  // Records an error at `line` and skips what is left of the entry: the
  // rest of the line, and inside parentheses everything up to the ')'.
  auto fail = [&](int line, std::string message) {
    err->line = line;
    err->message = std::move(message);
    bool in_paren = paren_line != 0;
    while (pos_ < size) {
      const char c = text_[pos_++];
      if (c == '\n') {
        ++line_;
        if (!in_paren) break;
      } else if (c == ')') {
        in_paren = false;
      }
    }
    return true;
  };

  while (pos_ < size) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      if (paren_line != 0) continue;
      if (!entry->tokens.empty()) return true;
      line_starts_blank = pos_ < size && IsBlank(text_[pos_]);
      continue;
    }
    if (IsBlank(c)) {
      ++pos_;
      continue;
    }
    if (c == ';') {
      while (pos_ < size && text_[pos_] != '\n') ++pos_;
      continue;
    }
    if (c == '\0') return fail(line_, "NUL octet in the file");
    if (c == '(') {
      if (paren_line != 0) {
        return fail(line_, absl::StrCat("'(' inside parentheses (the first '(' is at line ",
                                        paren_line, ")"));
      }
      paren_line = line_;
      ++pos_;
      continue;
    }
    if (c == ')') {
      if (paren_line == 0) return fail(line_, "')' without '('");
      paren_line = 0;
      ++pos_;
      continue;
    }
    if (entry->tokens.empty()) {
      entry->line = line_;
      entry->has_owner = !line_starts_blank;
    }
    MasterToken tok;
    tok.line = line_;
    tok.joined = !entry->tokens.empty() && pos_ == token_end;
    if (c == '"') {
      const size_t start = ++pos_;
      for (;;) {
        if (pos_ >= size || text_[pos_] == '\n') {
          return fail(tok.line, "unterminated quoted string");
        }
        const char q = text_[pos_];
        if (q == '"') break;
        if (q == '\0') return fail(line_, "NUL octet in the file");
        if (q == '\\') {
          tok.escaped = true;
          if (pos_ + 1 >= size || text_[pos_ + 1] == '\n') {
            return fail(tok.line, "unterminated quoted string");
          }
          pos_ += 2;
          continue;
        }
        ++pos_;
      }
      tok.text = text_.substr(start, pos_ - start);
      tok.quoted = true;
      ++pos_;  // the closing quote
      token_end = pos_;
      entry->tokens.push_back(tok);
      continue;
    }
    const size_t start = pos_;
    while (pos_ < size) {
      const char t = text_[pos_];
      if (t == '\\') {
        tok.escaped = true;
        if (pos_ + 1 >= size || text_[pos_ + 1] == '\n') {
          return fail(line_, "'\\' at the end of a line");
        }
        if (text_[pos_ + 1] == '\0') return fail(line_, "NUL octet in the file");
        pos_ += 2;
        continue;
      }
      if (EndsToken(t)) break;
      if (t == '\0') return fail(line_, "NUL octet in the file");
      ++pos_;
    }
    tok.text = text_.substr(start, pos_ - start);
    token_end = pos_;
    entry->tokens.push_back(tok);
  }
  if (paren_line != 0) {
    err->line = paren_line;
    err->message = absl::StrCat("unclosed '(' opened at line ", paren_line);
    return true;
  }
  return !entry->tokens.empty();
}

}  // namespace zones
