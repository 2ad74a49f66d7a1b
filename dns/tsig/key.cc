// File: dns/tsig/key.cc
#include "dns/tsig/key.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/tsig/cat_internal.h"
#include "dns/wire/name.h"

namespace dns::tsig {

using internal::Cat;

namespace {


struct AlgorithmInfo {
  Algorithm algorithm;
  std::string_view name;
  std::string_view wire;
  size_t digest;
};

using namespace std::string_view_literals;
constexpr AlgorithmInfo kAlgorithms[] = {
    {Algorithm::kHmacMd5, "hmac-md5", "\x08hmac-md5\x07sig-alg\x03reg\x03int\x00"sv, 16},
    {Algorithm::kHmacSha1, "hmac-sha1", "\x09hmac-sha1\x00"sv, 20},
    {Algorithm::kHmacSha224, "hmac-sha224", "\x0bhmac-sha224\x00"sv, 28},
    {Algorithm::kHmacSha256, "hmac-sha256", "\x0bhmac-sha256\x00"sv, 32},
    {Algorithm::kHmacSha384, "hmac-sha384", "\x0bhmac-sha384\x00"sv, 48},
    {Algorithm::kHmacSha512, "hmac-sha512", "\x0bhmac-sha512\x00"sv, 64},
};

const AlgorithmInfo& Info(Algorithm a) {
  return kAlgorithms[static_cast<size_t>(a)];
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

absl::StatusOr<std::string> DecodeSecret(std::string_view b64) {
  std::string out;
  const std::string_view s = Trim(b64);
  if (s.empty() || !absl::Base64Unescape(base::AV(s), &out) || out.empty()) {
    return absl::InvalidArgumentError("the secret is not valid base64");
  }
  return out;
}

}  // namespace

std::string_view AlgorithmName(Algorithm a) noexcept { return Info(a).name; }
std::string_view AlgorithmWire(Algorithm a) noexcept { return Info(a).wire; }
size_t DigestSize(Algorithm a) noexcept { return Info(a).digest; }

bool AlgorithmFromName(std::string_view text, Algorithm* out) noexcept {
  const std::string lower = Lower(text.ends_with('.') ? text.substr(0, text.size() - 1) : text);
  for (const AlgorithmInfo& i : kAlgorithms) {
    if (lower == i.name) {
      *out = i.algorithm;
      return true;
    }
  }
  if (lower == "hmac-md5.sig-alg.reg.int") {
    *out = Algorithm::kHmacMd5;
    return true;
  }
  return false;
}

bool AlgorithmFromWire(std::string_view lower_wire, Algorithm* out) noexcept {
  for (const AlgorithmInfo& i : kAlgorithms) {
    if (i.wire == lower_wire) {
      *out = i.algorithm;
      return true;
    }
  }
  return false;
}

absl::StatusOr<Key> MakeKey(std::string_view name, Algorithm algorithm,
                            std::string secret) {
  Key k;
  if (name.empty() || !NameFromText(name, &k.name_wire) || k.name_wire.size() <= 1) {
    return absl::InvalidArgumentError(Cat("bad TSIG key name '", name, "'"));
  }
  if (secret.empty()) {
    return absl::InvalidArgumentError(Cat("TSIG key '", name, "': empty secret"));
  }
  k.name = NameToText(k.name_wire);
  k.algorithm = algorithm;
  k.secret = std::move(secret);
  return k;
}

absl::StatusOr<Key> ParseKeySpec(std::string_view spec) {
  const size_t a = spec.find(':');
  const size_t b = a == std::string_view::npos ? a : spec.find(':', a + 1);
  if (b == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "TSIG key must be NAME:ALGORITHM:BASE64SECRET (e.g. "
        "xfr.example.:hmac-sha256:c2VjcmV0)");
  }
  const std::string_view name = spec.substr(0, a);
  const std::string_view alg = spec.substr(a + 1, b - a - 1);
  Algorithm algorithm;
  if (!AlgorithmFromName(alg, &algorithm)) {
    return absl::InvalidArgumentError(Cat(
        "TSIG key '", name, "': unknown algorithm '", alg,
        "' (hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512, hmac-md5)"));
  }
  auto secret = DecodeSecret(spec.substr(b + 1));
  if (!secret.ok()) {
    return absl::InvalidArgumentError(
        Cat("TSIG key '", name, "': ", secret.status().message()));
  }
  return MakeKey(name, algorithm, *std::move(secret));
}

namespace {

// A tokenizer for named.conf-style key clauses: words, quoted strings,
// '{', '}', ';'; comments skipped; line numbers kept.
class ConfTokenizer {
 public:
  ConfTokenizer(std::string_view text) : text_(text) {}

  // Next token into *tok (quoted strings without quotes, *quoted set).
  // False at the end of text or on error (error() non-empty).
  bool Next(std::string_view* tok, bool* quoted) {
    SkipSpaceAndComments();
    if (!error_.empty() || pos_ >= text_.size()) return false;
    token_line_ = line_;
    *quoted = false;
    const char c = text_[pos_];
    if (c == '{' || c == '}' || c == ';') {
      *tok = text_.substr(pos_++, 1);
      return true;
    }
    if (c == '"') {
      const size_t end = text_.find('"', pos_ + 1);
      if (end == std::string_view::npos) {
        error_ = "unterminated string";
        return false;
      }
      *tok = text_.substr(pos_ + 1, end - pos_ - 1);
      for (char ch : *tok) line_ += ch == '\n';
      pos_ = end + 1;
      *quoted = true;
      return true;
    }
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char d = text_[pos_];
      if (d == '{' || d == '}' || d == ';' || d == '"' || d == '#' ||
          absl::ascii_isspace(static_cast<unsigned char>(d)) ||
          (d == '/' && pos_ + 1 < text_.size() &&
           (text_[pos_ + 1] == '/' || text_[pos_ + 1] == '*'))) {
        break;
      }
      ++pos_;
    }
    *tok = text_.substr(start, pos_ - start);
    return true;
  }
  int line() const { return token_line_; }
  int current_line() const { return line_; }
  const std::string& error() const { return error_; }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '#' || (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        const size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) {
          token_line_ = line_;
          error_ = "unterminated /* comment";
          return;
        }
        for (size_t i = pos_; i < end; ++i) line_ += text_[i] == '\n';
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int token_line_ = 1;
  std::string error_;
};

}  // namespace

absl::StatusOr<std::vector<Key>> ParseBindKeys(std::string_view text,
                                               std::string_view display_name) {
  ConfTokenizer t(text);
  std::vector<Key> keys;
  std::string_view tok;
  bool quoted = false;
  auto fail = [&](int line, std::string_view msg) {
    return absl::InvalidArgumentError(Cat(display_name, ":", line, ": ", msg));
  };
  auto expect = [&](std::string_view what, std::string_view after) -> absl::Status {
    if (!t.Next(&tok, &quoted)) {
      if (!t.error().empty()) return fail(t.line(), t.error());
      return fail(t.current_line(), Cat("expected '", what, "' ", after, ", found the end of the file"));
    }
    if (quoted || tok != what) {
      return fail(t.line(), Cat("expected '", what, "' ", after, ", found '", tok, "'"));
    }
    return absl::OkStatus();
  };
  while (t.Next(&tok, &quoted)) {
    if (quoted || Lower(tok) != "key") {
      return fail(t.line(), Cat("expected 'key', found '", tok, "' (only key clauses are read)"));
    }
    const int key_line = t.line();
    if (!t.Next(&tok, &quoted) || (!quoted && (tok == "{" || tok == ";" || tok == "}"))) {
      if (!t.error().empty()) return fail(t.line(), t.error());
      return fail(key_line, "key: expected a key name");
    }
    const std::string name(tok);
    if (absl::Status s = expect("{", Cat("after key \"", name, "\"")); !s.ok()) return s;
    std::string algorithm_text, secret_text;
    int algorithm_line = 0, secret_line = 0;
    for (;;) {
      if (!t.Next(&tok, &quoted)) {
        if (!t.error().empty()) return fail(t.line(), t.error());
        return fail(t.current_line(), Cat("key \"", name, "\": missing '}'"));
      }
      if (!quoted && tok == "}") break;
      const int line = t.line();
      const std::string field = Lower(tok);
      if (field != "algorithm" && field != "secret") {
        return fail(line, Cat("key \"", name, "\": unknown field '", tok,
                                       "' (algorithm, secret)"));
      }
      if (!t.Next(&tok, &quoted) || (!quoted && (tok == ";" || tok == "}" || tok == "{"))) {
        if (!t.error().empty()) return fail(t.line(), t.error());
        return fail(line, Cat("key \"", name, "\": ", field, " without a value"));
      }
      if (field == "algorithm") {
        algorithm_text = std::string(tok);
        algorithm_line = line;
      } else {
        secret_text = std::string(tok);
        secret_line = line;
      }
      if (absl::Status s = expect(";", Cat("after ", field)); !s.ok()) return s;
    }
    if (absl::Status s = expect(";", "after '}'"); !s.ok()) return s;
    if (algorithm_line == 0) return fail(key_line, Cat("key \"", name, "\": no algorithm"));
    if (secret_line == 0) return fail(key_line, Cat("key \"", name, "\": no secret"));
    Algorithm algorithm;
    if (!AlgorithmFromName(algorithm_text, &algorithm)) {
      return fail(algorithm_line, Cat("key \"", name, "\": unknown algorithm '",
                                               algorithm_text, "'"));
    }
    auto secret = DecodeSecret(secret_text);
    if (!secret.ok()) {
      return fail(secret_line, Cat("key \"", name, "\": ", secret.status().message()));
    }
    auto key = MakeKey(name, algorithm, *std::move(secret));
    if (!key.ok()) return fail(key_line, Cat(key.status().message()));
    for (const Key& k : keys) {
      if (k.name_wire == key->name_wire) {
        return fail(key_line, Cat("duplicate TSIG key '", key->name, "'"));
      }
    }
    keys.push_back(*std::move(key));
  }
  if (!t.error().empty()) return fail(t.line(), t.error());
  return keys;
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::Create(std::vector<Key> keys) {
  std::shared_ptr<KeyRing> ring(new KeyRing());
  ring->keys_ = std::move(keys);
  for (size_t i = 0; i < ring->keys_.size(); ++i) {
    if (!ring->index_.emplace(ring->keys_[i].name_wire, i).second) {
      return absl::InvalidArgumentError(
          Cat("duplicate TSIG key '", ring->keys_[i].name, "'"));
    }
  }
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

const Key* KeyRing::Find(std::string_view name_wire) const noexcept {
  auto it = index_.find(name_wire);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

}  // namespace dns::tsig
