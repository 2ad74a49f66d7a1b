// File: zones/master_tokenizer.cc
#include "zones/master_tokenizer.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace zones {
namespace {

// Character classes, one table lookup per octet in the token loops.
enum : uint8_t {
  kBlank = 1,          // space, tab, CR
  kStopUnquoted = 2,   // ends or interrupts an unquoted token: blanks, LF,
                       // ';', '(', ')', '"', and '\\' and NUL (handled apart)
  kStopQuoted = 4,     // interrupts a quoted one: '"', '\\', LF, NUL
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> c{};
  for (unsigned char b : {' ', '\t', '\r'}) c[b] |= kBlank | kStopUnquoted;
  for (unsigned char b : {'\n', ';', '(', ')', '"', '\\', '\0'}) c[b] |= kStopUnquoted;
  for (unsigned char b : {'"', '\\', '\n', '\0'}) c[b] |= kStopQuoted;
  return c;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline bool Is(char c, uint8_t cls) { return (kClasses[static_cast<uint8_t>(c)] & cls) != 0; }
inline bool IsBlank(char c) { return Is(c, kBlank); }

}  // namespace

bool MasterTokenizer::Fail(Error* err, int line, std::string message, bool in_paren) {
  err->line = line;
  err->message = std::move(message);
  const size_t size = text_.size();
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
}

[[gnu::hot]] bool MasterTokenizer::Next(MasterEntry* entry, Error* err) {
  entry->tokens.clear();
  entry->has_owner = false;
  entry->line = 0;
  err->message.clear();
  const size_t size = text_.size();
  int paren_line = 0;  // line of the open '(', 0 outside parentheses
  size_t token_end = 0;  // where the last token ended
  bool line_starts_blank = pos_ < size && IsBlank(text_[pos_]);

  auto fail = [&](int line, const char* message) {
    return Fail(err, line, message, paren_line != 0);
  };


  const char* const p = text_.data();
  while (pos_ < size) {
    const char c = p[pos_];
    // Most octets here start a plain token; then come blanks and LF.
    if (Is(c, kStopUnquoted)) {
      if (IsBlank(c)) {
        ++pos_;
        if (pos_ < lf_end_) {
          while (IsBlank(p[pos_])) ++pos_;  // stops at an LF at the latest
        } else {
          while (pos_ < size && IsBlank(p[pos_])) ++pos_;
        }
        continue;
      }
      if (c == '\n') {
        ++pos_;
        ++line_;
        if (paren_line != 0) continue;
        if (!entry->tokens.empty()) return true;
        line_starts_blank = pos_ < size && IsBlank(p[pos_]);
        continue;
      }
      if (c == ';') {
        const void* lf = std::memchr(p + pos_, '\n', size - pos_);
        pos_ = lf != nullptr ? static_cast<size_t>(static_cast<const char*>(lf) - p) : size;
        continue;
      }
      if (c == '\0') return fail(line_, "NUL octet in the file");
      if (c == '(') {
        if (paren_line != 0) {
          return Fail(err, line_,
                      absl::StrCat("'(' inside parentheses (the first '(' is at line ",
                                   paren_line, ")"),
                      true);
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
      // '"' and '\\' start a token.
    }
    if (entry->tokens.empty()) {
      entry->line = line_;
      entry->has_owner = !line_starts_blank;
    }
    const bool joined = !entry->tokens.empty() && pos_ == token_end;
    if (c == '"') {
      const int quote_line = line_;
      const size_t start = ++pos_;
      size_t i = start;
      bool escaped = false;
      for (;;) {
        if (i < lf_end_) {
          while (!Is(p[i], kStopQuoted)) ++i;  // stops at an LF at the latest
        } else {
          while (i < size && !Is(p[i], kStopQuoted)) ++i;
        }
        if (i >= size) {
          pos_ = i;
          return fail(quote_line, "unterminated quoted string");
        }
        if (p[i] == '\n') {
          // Inside parentheses a line end is part of the string (NSD and
          // Knot keep it as \010; BIND refuses); outside it ends the entry.
          if (paren_line == 0) {
            pos_ = i;
            return fail(line_, "unterminated quoted string");
          }
          ++line_;
          ++i;
          continue;
        }
        if (p[i] == '"') break;
        if (p[i] == '\0') {
          pos_ = i;
          return fail(line_, "NUL octet in the file");
        }
        // A backslash: it and the octet after it.
        escaped = true;
        if (i + 1 >= size || (p[i + 1] == '\n' && paren_line == 0)) {
          pos_ = i;
          return fail(quote_line, "unterminated quoted string");
        }
        if (p[i + 1] == '\n') ++line_;
        if (p[i + 1] == '\0') {
          pos_ = i;
          return fail(line_, "NUL octet in the file");
        }
        i += 2;
      }
      entry->tokens.push_back(
          MasterToken{std::string_view(p + start, i - start), quote_line, true, escaped, joined});
      pos_ = i + 1;  // after the closing quote
      token_end = pos_;
      continue;
    }
    // An unquoted token; and while blanks and more plain tokens follow,
    // those too, without the dispatch above.
    bool next_joined = joined;
    for (;;) {
      const size_t start = pos_;
      size_t i = start;
      bool escaped = false;
      for (;;) {
        if (i < lf_end_) {
          while (!Is(p[i], kStopUnquoted)) ++i;  // stops at an LF at the latest
        } else {
          while (i < size && !Is(p[i], kStopUnquoted)) ++i;
        }
        if (i >= size) break;
        if (p[i] == '\0') {
          pos_ = i;
          return fail(line_, "NUL octet in the file");
        }
        if (p[i] != '\\') break;  // the token ends here
        escaped = true;
        if (i + 1 >= size || p[i + 1] == '\n') {
          pos_ = i;
          return fail(line_, "'\\' at the end of a line");
        }
        if (p[i + 1] == '\0') {
          pos_ = i;
          return fail(line_, "NUL octet in the file");
        }
        i += 2;
      }
      entry->tokens.push_back(
          MasterToken{std::string_view(p + start, i - start), line_, false, escaped, next_joined});
      pos_ = token_end = i;
      if (i >= size || !IsBlank(p[i])) break;
      ++i;
      if (i < lf_end_) {
        while (IsBlank(p[i])) ++i;
      } else {
        while (i < size && IsBlank(p[i])) ++i;
      }
      pos_ = i;
      if (i >= size || Is(p[i], kStopUnquoted)) break;
      next_joined = false;
    }
  }
  if (paren_line != 0) {
    err->line = paren_line;
    err->message = absl::StrCat("unclosed '(' opened at line ", paren_line);
    return true;
  }
  return !entry->tokens.empty();
}

}  // namespace zones
