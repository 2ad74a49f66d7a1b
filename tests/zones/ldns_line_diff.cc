// File: tests/zones/ldns_line_diff.cc
#include "tests/zones/ldns_line_diff.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <ldns/ldns.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "zones/master_reader.h"
#include "zones/master_tokenizer.h"
#include "zones/rdata_text.h"

namespace zones_test {
namespace {

using base::AV;

std::string Hex(std::string_view s) { return absl::BytesToHexString(AV(s)); }

std::string TypeText(uint16_t type) {
  char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string out = s != nullptr ? s : absl::StrCat("TYPE", type);
  free(s);
  return out;
}

// Deliberate differences: lines both read, differently, where ours is the
// reading NSD, Knot and BIND have.
struct Known {
  const char* why;
  bool (*covers)(std::string_view line, const LineComparison& c);
};

// A name token that starts with '@' (or "\@") but is more than "@": ldns
// 1.8.3 reads any such name as the origin ("@x", "@.", "\@."); NSD, Knot
// and BIND read "@" alone as the origin, and here "@x" is the label "@x"
// (zones/rdata_text.h).
bool HasLongAtToken(std::string_view line, const LineComparison&) {
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  while (tokenizer.Next(&entry, &err)) {
    for (const zones::MasterToken& t : entry.tokens) {
      const std::string_view x = t.text;
      if ((x.size() > 1 && x[0] == '@') || (x.size() > 1 && x[0] == '\\' && x[1] == '@'))
        return true;
    }
  }
  return false;
}

// A token that follows another without a blank (`a"b"`, `"a"b`), or a
// quoted string right after a parenthesis (`)"b"`): ldns keeps such a '"'
// as part of an unquoted token (and then reads the rest of the line its
// own way); here, as in BIND, a '"' ends an unquoted token and starts a
// quoted one (zones/master_tokenizer.h).
bool HasQuoteAfterNonBlank(std::string_view line, const LineComparison&) {
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  while (tokenizer.Next(&entry, &err)) {
    for (const zones::MasterToken& t : entry.tokens) {
      if (t.joined) return true;
      if (!t.quoted) continue;
      const size_t quote = static_cast<size_t>(t.text.data() - line.data()) - 1;
      if (quote > 0 && line[quote - 1] != ' ' && line[quote - 1] != '\t' &&
          line[quote - 1] != '\r') {
        return true;
      }
    }
  }
  return false;
}

// A CR before the end of the line: a blank here (NSD, Knot and BIND treat
// it as one), a token of its own for ldns (TTL 0 when it stands where the
// TTL may be); inside a token (in quotes, or escaped as "\<CR>") ldns
// makes it a space where the token keeps the octet as written (as a tab).
bool HasCarriageReturnInToken(std::string_view line, const LineComparison&) {
  const size_t last = line.find_last_not_of('\r');
  if (last != std::string_view::npos && line.substr(0, last).find('\r') != std::string_view::npos) {
    return true;
  }
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  while (tokenizer.Next(&entry, &err)) {
    for (const zones::MasterToken& t : entry.tokens) {
      if (t.text.find('\r') != std::string_view::npos) return true;
    }
  }
  return false;
}

// A `\#` token that is not the first of the RDATA (so not RFC 3597's
// marker): ldns decodes the rest of the line as generic RDATA anyway; here
// it is a string like any other (for TXT: "#").
bool HasLateGenericMarker(std::string_view line, const LineComparison&) {
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  while (tokenizer.Next(&entry, &err)) {
    const std::vector<zones::MasterToken>& t = entry.tokens;
    // Where the RDATA starts: after the owner, a TTL and a class, the type.
    size_t i = entry.has_owner ? 1 : 0;
    uint16_t unused;
    for (int k = 0; k < 2 && i < t.size(); ++k) {
      if (zones::LooksLikeTtl(t[i].text) || zones::ClassFromText(t[i].text, &unused)) ++i;
    }
    for (size_t j = i + 2; j < t.size(); ++j) {
      if (!t[j].quoted && t[j].text == "\\#") return true;
    }
  }
  return false;
}

// A parenthesis right against a token (`a(b`, `"x"(y)z`): here it
// separates tokens as a blank does (as in BIND); ldns drops it and joins
// what is around it.
bool HasParenthesisAgainstToken(std::string_view line, const LineComparison&) {
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  auto paren = [&](size_t i) { return i < line.size() && (line[i] == '(' || line[i] == ')'); };
  while (tokenizer.Next(&entry, &err)) {
    for (const zones::MasterToken& t : entry.tokens) {
      const size_t begin = static_cast<size_t>(t.text.data() - line.data()) - (t.quoted ? 1 : 0);
      const size_t end = static_cast<size_t>(t.text.data() - line.data()) + t.text.size() +
                         (t.quoted ? 1 : 0);
      if ((begin > 0 && paren(begin - 1)) || paren(end)) return true;
    }
  }
  return false;
}

// A TTL with the top bit set (2147483648..4294967295): read as 0 with a
// warning (RFC 2181 §8, as BIND); ldns keeps the value.
bool HasTopBitTtl(std::string_view, const LineComparison& c) {
  return c.ours.ttl == 0 && c.ldns.ttl > 0x7fffffffu;
}

// A quoted owner name: read as the name between the quotes (as BIND and
// NSD); ldns keeps the quotes in the label.
bool HasQuotedOwner(std::string_view line, const LineComparison&) {
  zones::MasterTokenizer tokenizer(line);
  zones::MasterEntry entry;
  zones::MasterTokenizer::Error err;
  return tokenizer.Next(&entry, &err) && entry.has_owner && !entry.tokens.empty() &&
         entry.tokens[0].quoted;
}

// SVCB or HTTPS with a backslash or a quote in its parameters: here the
// RFC 9460 Appendix A value-list rules (`alpn="f\\oo\,bar,h2"` is the
// ids `f\oo,bar` and `h2`, as NSD reads it); ldns 1.8.3 reads the escapes
// otherwise.
bool HasEscapedSvcParam(std::string_view line, const LineComparison& c) {
  return (c.ours.type == 64 || c.ours.type == 65) &&
         line.find_first_of("\\\"") != std::string_view::npos;
}

const Known kKnown[] = {
    {"a TTL with the top bit set is 0 here (RFC 2181 §8); ldns keeps it", HasTopBitTtl},
    {"ldns keeps the quotes of a quoted owner name", HasQuotedOwner},
    {"ldns reads SVCB/HTTPS value-list escapes otherwise (RFC 9460 Appendix A)",
     HasEscapedSvcParam},
    {"ldns reads a name that starts with '@' as the origin", HasLongAtToken},
    {"ldns keeps a '\"' that follows a non-blank in an unquoted token", HasQuoteAfterNonBlank},
    {"ldns makes a CR inside a token a space", HasCarriageReturnInToken},
    {"ldns joins the tokens around a parenthesis", HasParenthesisAgainstToken},
    {"ldns reads a \\# after the first RDATA field as generic RDATA", HasLateGenericMarker},
};

void ReadOurs(std::string_view line, std::string_view origin_wire, LineComparison* c) {
  zones::MasterErrors errors;
  zones::TtlContext ttl;
  zones::MasterReader reader("line", std::string(origin_wire), ttl, &errors);
  int records = 0;
  reader.Read(
      line,
      [&](const zones::MasterRecord& rr) {
        if (++records == 1) {
          c->ours.owner = std::string(rr.owner_wire);
          c->ours.type = rr.type;
          c->ours.rclass = rr.rclass;
          c->ours.ttl = rr.ttl;
          c->ours.rdata = std::string(rr.rdata);
        }
        return std::string();
      },
      nullptr);
  c->ours_read = records == 1 && errors.empty();
  if (!errors.empty()) c->ours_error = errors.lines()[0];
}

void ReadLdns(std::string_view line, std::string_view origin_wire, LineComparison* c) {
  const std::string text(line);  // ldns reads up to a NUL: ours refuses NULs
  ldns_rdf* origin = ldns_dname_new_frm_data(static_cast<uint16_t>(origin_wire.size()),
                                             origin_wire.data());
  ldns_rr* rr = nullptr;
  const ldns_status st = ldns_rr_new_frm_str(&rr, text.c_str(), 3600, origin, nullptr);
  ldns_rdf_deep_free(origin);
  if (st != LDNS_STATUS_OK) {
    c->ldns_error = ldns_get_errorstr_by_id(st);
    return;
  }
  ldns_buffer* buf = ldns_buffer_new(512);
  if (ldns_rr_rdata2buffer_wire(buf, rr) != LDNS_STATUS_OK || !ldns_buffer_status_ok(buf)) {
    c->ldns_error = "cannot encode the RDATA";
  } else {
    const ldns_rdf* owner = ldns_rr_owner(rr);
    c->ldns.owner.assign(reinterpret_cast<const char*>(ldns_rdf_data(owner)),
                         ldns_rdf_size(owner));
    c->ldns.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
    c->ldns.rclass = static_cast<uint16_t>(ldns_rr_get_class(rr));
    c->ldns.ttl = ldns_rr_ttl(rr);
    c->ldns.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                         ldns_buffer_position(buf));
    c->ldns_read = true;
  }
  ldns_buffer_free(buf);
  ldns_rr_free(rr);
}

}  // namespace

std::string DescribeLineRR(const LineRR& rr) {
  return absl::StrCat(dns::NameToText(rr.owner), " ", rr.ttl, " CLASS", rr.rclass, " ",
                      TypeText(rr.type), " ", Hex(rr.rdata));
}

LineComparison CompareLineWithLdns(std::string_view line, std::string_view origin_wire) {
  LineComparison c;
  ReadOurs(line, origin_wire, &c);
  ReadLdns(line, origin_wire, &c);
  if (!c.ours_read || !c.ldns_read) return c;
  std::vector<std::string> diffs;
  if (c.ours.owner != c.ldns.owner) {
    diffs.push_back(absl::StrCat("owner: ours ", dns::NameToText(c.ours.owner), " (",
                                 Hex(c.ours.owner), "), ldns ", dns::NameToText(c.ldns.owner),
                                 " (", Hex(c.ldns.owner), ")"));
  }
  if (c.ours.type != c.ldns.type) {
    diffs.push_back(absl::StrCat("type: ours ", TypeText(c.ours.type), ", ldns ",
                                 TypeText(c.ldns.type)));
  }
  if (c.ours.rclass != c.ldns.rclass) {
    diffs.push_back(absl::StrCat("class: ours ", c.ours.rclass, ", ldns ", c.ldns.rclass));
  }
  if (c.ours.ttl != c.ldns.ttl) {
    diffs.push_back(absl::StrCat("TTL: ours ", c.ours.ttl, ", ldns ", c.ldns.ttl));
  }
  if (c.ours.rdata != c.ldns.rdata) {
    diffs.push_back(
        absl::StrCat("RDATA: ours ", Hex(c.ours.rdata), ", ldns ", Hex(c.ldns.rdata)));
  }
  c.disagreement = absl::StrJoin(diffs, "; ");
  if (!c.disagreement.empty()) {
    for (const Known& k : kKnown) {
      if (k.covers != nullptr && k.covers(line, c)) {
        c.known = k.why;
        break;
      }
    }
  }
  return c;
}

}  // namespace zones_test
