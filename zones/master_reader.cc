// File: zones/master_reader.cc
#include "zones/master_reader.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "base/string_view.h"
#include "zones/master_tokenizer.h"
#include "zones/rdata_text.h"

namespace zones {

using base::AV;

void MasterErrors::Add(std::string_view file, int line, std::string_view message) {
  if (lines_.size() >= kMax) {  // only counted
    ++count_;
    return;
  }
  AddLine(absl::StrCat(AV(file), ":", line, ": ", AV(message)));
}

void MasterErrors::AddLine(std::string line) {
  ++count_;
  if (lines_.size() < kMax) lines_.push_back(std::move(line));
}

void MasterErrors::AddWarning(std::string_view file, int line, std::string_view message) {
  warnings_.push_back(absl::StrCat(AV(file), ":", line, ": ", AV(message)));
}

std::string MasterErrors::Summary() const {
  std::string out;
  for (const std::string& l : lines_) {
    if (!out.empty()) out.push_back('\n');
    out.append(l);
  }
  if (count_ > lines_.size()) {
    absl::StrAppend(&out, "\n... and ", count_ - lines_.size(), " more error",
                    count_ - lines_.size() == 1 ? "" : "s");
  }
  return out;
}

namespace {

// 'text' for messages.
std::string Q(std::string_view text) { return absl::StrCat("'", AV(text), "'"); }

}  // namespace

void MasterReader::TopBitWarning(int line, std::string_view ttl_text) {
  errors_->AddWarning(file_, line,
                      absl::StrCat("TTL ", AV(ttl_text),
                                   " has the top bit set; treated as 0 (RFC 2181 §8)"));
}

void MasterReader::Directive(const MasterEntry& e, const IncludeHandler* include) {
  const std::vector<MasterToken>& t = e.tokens;
  const std::string_view name = t[0].text;
  if (name == "$ORIGIN") {
    if (t.size() != 2) return Error(e.line, "$ORIGIN takes one domain name");
    std::string wire;
    const std::string err = NameFromPresentation(t[1].text, origin_, &wire);
    if (!err.empty()) return Error(e.line, absl::StrCat("bad $ORIGIN name: ", err));
    origin_ = std::move(wire);
    ++origin_changes_;
    return;
  }
  if (name == "$TTL") {
    if (t.size() != 2) return Error(e.line, "$TTL takes one TTL value");
    uint32_t ttl;
    bool top_bit;
    const std::string err = TtlFromText(t[1].text, &ttl, &top_bit);
    if (!err.empty()) return Error(e.line, absl::StrCat("bad $TTL value: ", err));
    if (top_bit) TopBitWarning(e.line, t[1].text);
    ttl_.has_dollar_ttl = true;
    ttl_.dollar_ttl = ttl;
    return;
  }
  if (name == "$INCLUDE") {
    if (include == nullptr) {
      return Error(e.line, "$INCLUDE is not allowed here (zone text, not a file)");
    }
    if (t.size() < 2 || t.size() > 3) {
      return Error(e.line, "$INCLUDE takes a file name and an optional origin");
    }
    MasterInclude inc;
    inc.path = std::string(t[1].text);
    inc.origin_wire = origin_;
    inc.ttl = ttl_;
    inc.line = e.line;
    if (t.size() == 3) {
      const std::string err = NameFromPresentation(t[2].text, origin_, &inc.origin_wire);
      if (!err.empty()) return Error(e.line, absl::StrCat("bad $INCLUDE origin: ", err));
    }
    const std::string err = (*include)(inc);
    if (!err.empty()) Error(e.line, err);
    return;
  }
  Error(e.line, absl::StrCat("unsupported directive ", AV(name)));
}

[[gnu::hot]] void MasterReader::Read(std::string_view text, RecordSink sink,
                                     const IncludeHandler* include) {
  MasterTokenizer tokenizer(text);
  MasterEntry e;
  MasterTokenizer::Error lexical;
  std::string owner, rdata;
  // The owner as written in the last entry that had one, and the origin
  // then: the same text again is the same name, not parsed twice.
  std::string_view owner_text;
  int owner_origin = -1;  // origin_changes_ then
  while (tokenizer.Next(&e, &lexical)) {
    if (!lexical.message.empty()) {
      Error(lexical.line, lexical.message);
      continue;
    }
    const std::vector<MasterToken>& t = e.tokens;
    if (e.has_owner && !t[0].quoted && !t[0].text.empty() && t[0].text[0] == '$') {
      Directive(e, include);
      continue;
    }
    size_t i = 0;
    if (e.has_owner) {
      // A quoted owner is read as the name written between the quotes:
      // "quoted" is quoted. (BIND and NSD load it so, Knot refuses it;
      // for dots inside the quotes BIND and NSD differ, and this is BIND's
      // reading: labels.)
      if (t[0].text != owner_text || owner_origin != origin_changes_) {
        if (std::string err = NameFromToken(t[0], origin_, &owner); !err.empty()) {
          Error(e.line, absl::StrCat("bad owner name: ", err));
          owner_text = {};
          continue;
        }
        last_owner_.swap(owner);  // no copy; `owner` keeps a buffer for the next
        owner_text = t[0].text;
        owner_origin = origin_changes_;
      }
      i = 1;
    } else if (last_owner_.empty()) {
      Error(e.line, "no owner name (the first record starts with a blank)");
      continue;
    }

    // [ttl] [class] or [class] [ttl], each at most once (RFC 1035 §5.1).
    bool have_ttl = false, have_class = false;
    uint32_t ttl = 0;
    uint16_t rclass = 1;
    bool bad = false;
    while (i < t.size() && !t[i].quoted && !(have_ttl && have_class)) {
      if (!have_ttl && LooksLikeTtl(t[i].text)) {
        bool top_bit;
        if (std::string err = TtlFromText(t[i].text, &ttl, &top_bit); !err.empty()) {
          Error(e.line, err);
          bad = true;
          break;
        }
        if (top_bit) TopBitWarning(e.line, t[i].text);
        have_ttl = true;
        ++i;
        continue;
      }
      if (!have_class) {
        const std::string_view w = t[i].text;
        if (w.size() == 2 && (w[0] | 0x20) == 'i' && (w[1] | 0x20) == 'n') {  // IN, most of all
          have_class = true;
          ++i;
          continue;
        }
        if (ClassFromText(w, &rclass)) {
          have_class = true;
          ++i;
          continue;
        }
      }
      break;
    }
    if (bad) continue;
    if (i >= t.size()) {
      Error(e.line, "the record has no type");
      continue;
    }
    if (t[i].quoted) {
      Error(e.line, absl::StrCat("type ", Q(t[i].text), " must not be quoted"));
      continue;
    }
    uint16_t type, unused;
    if (!TypeFromText(t[i].text, &type)) {
      Error(e.line, absl::StrCat(LooksLikeTtl(t[i].text) || ClassFromText(t[i].text, &unused)
                                     ? "a second TTL or class "
                                     : "unknown type ",
                                 Q(t[i].text)));
      continue;
    }
    ++i;
    if (std::string err = RdataFromText(type, absl::MakeConstSpan(t).subspan(i), origin_, &rdata);
        !err.empty()) {
      Error(e.line, err);
      continue;
    }
    if (have_ttl) {
      ttl_.has_last = true;
      ttl_.last_explicit = ttl;
    } else {
      ttl = ttl_.Default();
    }
    MasterRecord rec;
    rec.owner_wire = last_owner_;
    rec.type = type;
    rec.rclass = rclass;
    rec.ttl = ttl;
    rec.rdata = rdata;
    rec.line = e.line;
    if (std::string err = sink(rec); !err.empty()) {
      errors_->AddLine(std::move(err));
    } else {
      ++records_;
    }
  }
}

}  // namespace zones
