// Tests for dns/wire/name.h: text <-> wire, validation, subdomain checks
// and canonical ordering.
#include "dns/wire/name.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "dns/wire/types.h"

namespace dns {
namespace {

using std::string_literals::operator""s;

std::string FromText(std::string_view text, std::string_view origin = {}) {
  std::string wire;
  EXPECT_TRUE(NameFromText(text, &wire, origin)) << text;
  return wire;
}

bool Parses(std::string_view text) {
  std::string wire;
  return NameFromText(text, &wire);
}

TEST(NameTest, DefaultIsRoot) {
  Name n;
  EXPECT_EQ(n.wire(), "\000"s);
  EXPECT_EQ(n.length(), 1u);
  EXPECT_EQ(n.label_count(), 0);
  EXPECT_EQ(n.Suffix(0), "\000"s);
  EXPECT_EQ(n.ToText(), ".");
}

TEST(NameTest, ParseTextLowerCasesAndIndexes) {
  Name n;
  ASSERT_TRUE(n.ParseText("WWW.Example.COM."));
  EXPECT_EQ(n.wire(), "\003www\007example\003com\000"s);
  EXPECT_EQ(n.length(), 17u);
  EXPECT_EQ(n.label_count(), 3);
  EXPECT_EQ(n.label_offset(0), 0);
  EXPECT_EQ(n.label_offset(1), 4);
  EXPECT_EQ(n.label_offset(2), 12);
  EXPECT_EQ(n.Suffix(0), n.wire());
  EXPECT_EQ(n.Suffix(1), "\007example\003com\000"s);
  EXPECT_EQ(n.Suffix(2), "\003com\000"s);
  EXPECT_EQ(n.Suffix(3), "\000"s);
  EXPECT_EQ(n.ToText(), "www.example.com.");
}

TEST(NameTest, ParseTextWithoutTrailingDotIsAbsolute) {
  Name a, b;
  ASSERT_TRUE(a.ParseText("example.com"));
  ASSERT_TRUE(b.ParseText("example.com."));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(a.ParseText("."));
  EXPECT_EQ(a.wire(), "\000"s);
}

TEST(NameTest, ParseTextFailureLeavesRoot) {
  Name n;
  ASSERT_TRUE(n.ParseText("example.com."));
  EXPECT_FALSE(n.ParseText("a..b"));
  EXPECT_EQ(n.wire(), "\000"s);
  EXPECT_EQ(n.label_count(), 0);
}

TEST(NameTest, MalformedText) {
  EXPECT_FALSE(Parses(""));
  EXPECT_FALSE(Parses(".."));
  EXPECT_FALSE(Parses(".a"));
  EXPECT_FALSE(Parses("a..b."));
  EXPECT_FALSE(Parses("a.b.."));
  EXPECT_FALSE(Parses("a\\"));       // dangling backslash
  EXPECT_FALSE(Parses("a\\0"));      // \DDD needs three digits
  EXPECT_FALSE(Parses("a\\01"));
  EXPECT_FALSE(Parses("a\\01x"));
  EXPECT_FALSE(Parses("a\\256"));    // out of range
  EXPECT_FALSE(Parses("a\\999.b."));
}

TEST(NameTest, Escapes) {
  EXPECT_EQ(FromText("a\\.b.c."), "\003a.b\001c\000"s);
  EXPECT_EQ(FromText("\\065bc."), "\003abc\000"s);  // 'A', lower-cased
  EXPECT_EQ(FromText("\\000.x."), "\001\000\001x\000"s);
  EXPECT_EQ(FromText("\\255."), "\001\377\000"s);
  EXPECT_EQ(FromText("a\\\\b."), "\003a\\b\000"s);
  EXPECT_EQ(FromText("a\\ b."), "\003a b\000"s);
  EXPECT_EQ(FromText("\\@."), "\001@\000"s);
  EXPECT_EQ(FromText("a\\.."), "\002a.\000"s);  // escaped dot then root
  // An escaped trailing dot is part of the label: the name is relative.
  EXPECT_EQ(FromText("a\\.", "\003com\000"s), "\002a.\003com\000"s);
}

TEST(NameTest, LabelAndNameLimits) {
  const std::string l63(63, 'a');
  const std::string l64(64, 'a');
  EXPECT_TRUE(Parses(l63 + ".com."));
  EXPECT_FALSE(Parses(l64 + ".com."));
  // 3 x 63-octet labels + one of 61: 3*64 + 62 + 1 = 255 octets.
  const std::string l61(61, 'b');
  const std::string max = l63 + "." + l63 + "." + l63 + "." + l61 + ".";
  std::string wire;
  ASSERT_TRUE(NameFromText(max, &wire));
  EXPECT_EQ(wire.size(), 255u);
  EXPECT_FALSE(Parses(l63 + "." + l63 + "." + l63 + "." + l61 + "b."));
  // 127 one-octet labels = 255 octets; 128 is too many.
  std::string many;
  for (int i = 0; i < 127; ++i) many += "x.";
  Name n;
  ASSERT_TRUE(n.ParseText(many));
  EXPECT_EQ(n.length(), 255u);
  EXPECT_EQ(n.label_count(), 127);
  EXPECT_EQ(n.Suffix(126), "\001x\000"s);
  EXPECT_EQ(n.Suffix(127), "\000"s);
  EXPECT_FALSE(n.ParseText(many + "x."));
  // Escaped octets count once.
  std::string escaped;
  for (int i = 0; i < 63; ++i) escaped += "\\046";
  ASSERT_TRUE(NameFromText(escaped + ".", &wire));
  EXPECT_EQ(wire.size(), 65u);
  EXPECT_FALSE(Parses(escaped + "a."));
}

TEST(NameTest, RelativeNamesCompletedWithOrigin) {
  const std::string origin = FromText("example.com.");
  EXPECT_EQ(FromText("www", origin), "\003www\007example\003com\000"s);
  EXPECT_EQ(FromText("a.b", origin), "\001a\001b\007example\003com\000"s);
  EXPECT_EQ(FromText("www.", origin), "\003www\000"s);  // absolute
  EXPECT_EQ(FromText("www"), "\003www\000"s);           // no origin
  // The origin is lower-cased too.
  EXPECT_EQ(FromText("x", "\003COM\000"s), "\001x\003com\000"s);
  // Root origin.
  EXPECT_EQ(FromText("x", "\000"s), "\001x\000"s);
  // Completion past 255 octets fails.
  std::string long_origin;
  ASSERT_TRUE(NameFromText(std::string(63, 'a') + "." +
                               std::string(63, 'a') + "." +
                               std::string(63, 'a') + "." +
                               std::string(60, 'a') + ".",
                           &long_origin));
  ASSERT_EQ(long_origin.size(), 254u);
  std::string wire = "unchanged";
  EXPECT_FALSE(NameFromText("x", &wire, long_origin));
  EXPECT_EQ(wire, "unchanged");
  // A malformed origin is refused.
  EXPECT_FALSE(NameFromText("x", &wire, "\003co"s));
}

TEST(NameTest, ToTextEscapes) {
  EXPECT_EQ(NameToText("\000"s), ".");
  EXPECT_EQ(NameToText(""), ".");
  EXPECT_EQ(NameToText("\003a.b\003com\000"s), "a\\.b.com.");
  EXPECT_EQ(NameToText("\003a\\b\000"s), "a\\\\b.");
  EXPECT_EQ(NameToText("\003a b\000"s), "a\\032b.");
  EXPECT_EQ(NameToText("\002\000\377\000"s), "\\000\\255.");
  EXPECT_EQ(NameToText("\001\177\000"s), "\\127.");
  EXPECT_EQ(NameToText("\001*\003com\000"s), "*.com.");
  EXPECT_EQ(NameToText("\004a;()\000"s), "a\\;\\(\\).");
  EXPECT_EQ(NameToText("\003-_~\000"s), "-_~.");
}

TEST(NameTest, TextWireRoundTrip) {
  const std::vector<std::string> names = {
      ".", "com.", "www.example.com.", "a\\.b.example.", "\\000\\001.x.",
      "a\\\\b.c.", "sp\\032ace.", "\\255\\128.", "*.wild.example.",
      "_sip._tcp.example.", "\\@.\\$.\\;.\\\".",
  };
  for (const std::string& text : names) {
    std::string wire;
    ASSERT_TRUE(NameFromText(text, &wire)) << text;
    EXPECT_EQ(NameToText(wire), text);
    std::string again;
    ASSERT_TRUE(NameFromText(NameToText(wire), &again));
    EXPECT_EQ(again, wire);
  }
  // Every octet value survives wire -> text -> wire.
  for (int c = 0; c < 256; ++c) {
    std::string wire = "\001"s + static_cast<char>(c) + "\000"s;
    std::string back;
    ASSERT_TRUE(NameFromText(NameToText(wire), &back)) << c;
    const char lower = static_cast<char>(LowerOctet(static_cast<uint8_t>(c)));
    std::string expect = "\001"s + lower + "\000"s;
    EXPECT_EQ(back, expect) << c;
  }
}

TEST(NameTest, AssignWireLowerCasesEveryOctetCorrectly) {
  // Two names holding all 256 octet values in labels of up to 60 octets,
  // long enough for the 8-at-a-time path and its tail.
  for (int base = 0; base < 256; base += 128) {
    std::string wire;
    std::vector<bool> is_length;
    for (int start = base; start < base + 128; start += 60) {
      int n = std::min(60, base + 128 - start);
      wire.push_back(static_cast<char>(n));
      is_length.push_back(true);
      for (int i = 0; i < n; ++i) {
        wire.push_back(static_cast<char>(start + i));
        is_length.push_back(false);
      }
    }
    wire.push_back('\0');
    is_length.push_back(true);
    Name name;
    ASSERT_TRUE(name.AssignWire(
        reinterpret_cast<const uint8_t*>(wire.data()), wire.size()));
    ASSERT_EQ(name.length(), wire.size());
    EXPECT_EQ(name.label_count(), 3);
    for (size_t i = 0; i < wire.size(); ++i) {
      const uint8_t in = static_cast<uint8_t>(wire[i]);
      EXPECT_EQ(name.data()[i], is_length[i] ? in : LowerOctet(in))
          << "octet " << i;
    }
  }
}

TEST(NameTest, AssignWireRejectsMalformed) {
  auto assign = [](const std::string& w) {
    Name n;
    n.ParseText("keep.me.");
    bool ok = n.AssignWire(reinterpret_cast<const uint8_t*>(w.data()),
                           w.size());
    if (!ok) {
      EXPECT_EQ(n.wire(), "\000"s);  // left as root
    }
    return ok;
  };
  EXPECT_TRUE(assign("\003ABC\000"s));
  EXPECT_TRUE(assign("\000"s));
  EXPECT_FALSE(assign(""));
  EXPECT_FALSE(assign("\003abc"s));            // no root
  EXPECT_FALSE(assign("\005abc\000"s));        // label runs past end
  EXPECT_FALSE(assign("\003abc\000x"s));       // trailing octet
  EXPECT_FALSE(assign("\003abc\300\014"s));    // compression pointer
  EXPECT_FALSE(assign("\100abc\000"s));        // 0x40 label type
  EXPECT_FALSE(assign("\200abc\000"s));        // 0x80 label type
  EXPECT_FALSE(assign("\100" + std::string(64, 'a') + "\000"s));  // 64
  std::string too_long;
  for (int i = 0; i < 128; ++i) too_long += "\001x";
  too_long += '\0';
  EXPECT_FALSE(assign(too_long));  // 257 octets
}

TEST(NameTest, SubdomainOnLabelBoundaries) {
  const std::string com = FromText("com.");
  const std::string example = FromText("example.com.");
  const std::string www = FromText("www.example.com.");
  const std::string root = "\000"s;
  EXPECT_TRUE(NameIsSubdomain(www, example));
  EXPECT_TRUE(NameIsSubdomain(www, com));
  EXPECT_TRUE(NameIsSubdomain(www, root));
  EXPECT_TRUE(NameIsSubdomain(example, example));
  EXPECT_TRUE(NameIsSubdomain(root, root));
  EXPECT_FALSE(NameIsSubdomain(example, www));
  EXPECT_FALSE(NameIsSubdomain(root, com));
  EXPECT_FALSE(NameIsSubdomain(FromText("example.org."), com));
  // Not on a label boundary: "fooexample.com." vs "example.com.".
  EXPECT_FALSE(NameIsSubdomain(FromText("fooexample.com."), example));
  // A label whose octets spell out "\007example\003com\000" as a byte
  // suffix: "x\007example" is one label.
  const std::string trap = FromText("x\\007example.com.");
  ASSERT_EQ(trap.substr(trap.size() - example.size()), example);
  EXPECT_FALSE(NameIsSubdomain(trap, example));
  EXPECT_TRUE(NameIsSubdomain(trap, com));

  Name n;
  ASSERT_TRUE(n.ParseText("x\\007example.com."));
  EXPECT_FALSE(n.IsSubdomainOf(example));
  EXPECT_TRUE(n.IsSubdomainOf(com));
  EXPECT_TRUE(n.IsSubdomainOf(root));
  EXPECT_TRUE(n.IsSubdomainOf(n.wire()));
  ASSERT_TRUE(n.ParseText("www.example.com."));
  EXPECT_TRUE(n.IsSubdomainOf(example));
  EXPECT_FALSE(n.IsSubdomainOf(FromText("ww.example.com.")));
  EXPECT_FALSE(n.IsSubdomainOf(FromText("a.www.example.com.")));
  EXPECT_FALSE(n.IsSubdomainOf(""));
}

TEST(NameTest, ParentLabelCountWildcard) {
  const std::string www = FromText("www.example.com.");
  EXPECT_EQ(NameParent(www), FromText("example.com."));
  EXPECT_EQ(NameParent(NameParent(NameParent(www))), "\000"s);
  EXPECT_EQ(NameParent("\000"s), "\000"s);
  EXPECT_EQ(NameLabelCount(www), 3);
  EXPECT_EQ(NameLabelCount("\000"s), 0);
  EXPECT_TRUE(NameIsWildcard(FromText("*.example.com.")));
  EXPECT_FALSE(NameIsWildcard(FromText("a*.example.com.")));
  EXPECT_FALSE(NameIsWildcard(FromText("\\*x.example.com.")));
  EXPECT_FALSE(NameIsWildcard("\000"s));
}

TEST(NameTest, CanonicalOrderRfc4034Example) {
  // RFC 4034 §6.1, in canonical order.
  const std::vector<std::string> ordered = {
      "example.",       "a.example.",   "yljkjljk.a.example.",
      "Z.a.example.",   "zABC.a.EXAMPLE.", "z.example.",
      "\\001.z.example.", "*.z.example.", "\\200.z.example.",
  };
  std::vector<std::string> wires;
  for (const std::string& t : ordered) wires.push_back(FromText(t));
  for (size_t i = 0; i < wires.size(); ++i) {
    EXPECT_EQ(NameCanonicalCompare(wires[i], wires[i]), 0);
    for (size_t j = i + 1; j < wires.size(); ++j) {
      EXPECT_LT(NameCanonicalCompare(wires[i], wires[j]), 0)
          << ordered[i] << " < " << ordered[j];
      EXPECT_GT(NameCanonicalCompare(wires[j], wires[i]), 0);
    }
  }
  std::vector<std::string> shuffled = wires;
  std::reverse(shuffled.begin(), shuffled.end());
  std::sort(shuffled.begin(), shuffled.end(),
            [](const std::string& a, const std::string& b) {
              return NameCanonicalCompare(a, b) < 0;
            });
  EXPECT_EQ(shuffled, wires);
}

TEST(NameTest, CanonicalCompareDetails) {
  // Case-insensitive even on raw upper-case wire.
  EXPECT_EQ(NameCanonicalCompare("\001A\000"s, "\001a\000"s), 0);
  // Root sorts first.
  EXPECT_LT(NameCanonicalCompare("\000"s, "\001a\000"s), 0);
  // Labels compare from the root: b.a. < a.b. .
  EXPECT_LT(NameCanonicalCompare(FromText("b.a."), FromText("a.b.")), 0);
  // A label that is a prefix of another sorts first.
  EXPECT_LT(NameCanonicalCompare(FromText("ab."), FromText("abc.")), 0);
  // Octets compare unsigned.
  EXPECT_LT(NameCanonicalCompare(FromText("a."), FromText("\\200.")), 0);
  // Uppercase letters sort as lowercase: "Z" (0x5a->0x7a) after "_" (0x5f).
  EXPECT_GT(NameCanonicalCompare("\001Z\000"s, "\001_\000"s), 0);
}

TEST(NameTest, IsAPlainValue) {
  static_assert(std::is_trivially_copyable_v<Name>);
  Name a;
  ASSERT_TRUE(a.ParseText("copy.me."));
  Name b = a;
  EXPECT_EQ(b, a);
  EXPECT_EQ(b.Suffix(1), "\002me\000"s);
}

TEST(TypesTest, RRTypeName) {
  char buf[16];
  EXPECT_STREQ(RRTypeName(rrtype::kA, buf), "A");
  EXPECT_STREQ(RRTypeName(rrtype::kAAAA, buf), "AAAA");
  EXPECT_STREQ(RRTypeName(rrtype::kOPT, buf), "OPT");
  EXPECT_STREQ(RRTypeName(rrtype::kANY, buf), "ANY");
  EXPECT_STREQ(RRTypeName(rrtype::kAXFR, buf), "AXFR");
  EXPECT_STREQ(RRTypeName(48, buf), "DNSKEY");
  EXPECT_STREQ(RRTypeName(64, buf), "SVCB");
  EXPECT_STREQ(RRTypeName(65, buf), "HTTPS");
  EXPECT_STREQ(RRTypeName(257, buf), "CAA");
  EXPECT_STREQ(RRTypeName(35, buf), "NAPTR");
  EXPECT_STREQ(RRTypeName(0, buf), "TYPE0");
  EXPECT_STREQ(RRTypeName(65280, buf), "TYPE65280");
  EXPECT_STREQ(RRTypeName(65535, buf), "TYPE65535");
}

}  // namespace
}  // namespace dns
