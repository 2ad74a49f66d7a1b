// Tests for dns/wire/reader.h: the sticky-error cursor and name
// decompression.
#include "dns/wire/reader.h"

#include <string>

#include <gtest/gtest.h>

namespace dns {
namespace {

using std::string_literals::operator""s;

const uint8_t* U8(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// A 12-octet stand-in for a header, so names start at offset 12 as in a
// real message.
const std::string kHeader(12, '\0');

TEST(ReaderTest, IntegersInNetworkOrder) {
  const std::string b = "\001\002\003\004\005\006\007"s;
  Reader r(U8(b), b.size());
  EXPECT_EQ(r.ReadU8(), 0x01);
  EXPECT_EQ(r.ReadU16(), 0x0203);
  EXPECT_EQ(r.ReadU32(), 0x04050607u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ReaderTest, ErrorIsSticky) {
  const std::string b = "\001\002\003"s;
  Reader r(U8(b), b.size());
  EXPECT_EQ(r.ReadU16(), 0x0102);
  EXPECT_EQ(r.ReadU16(), 0);  // only one octet left
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.position(), 2u);  // failed reads do not move
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.ReadU8(), 0);  // would fit, but the error is sticky
  EXPECT_EQ(r.Take(0), nullptr);
  r.Seek(0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.ReadU8(), 0);
}

TEST(ReaderTest, BytesTakeSkipSeek) {
  const std::string b = "abcdefgh";
  Reader r(U8(b), b.size());
  char out[3] = {'x', 'x', 'x'};
  r.ReadBytes(out, 3);
  EXPECT_EQ(std::string(out, 3), "abc");
  const uint8_t* p = r.Take(2);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p, U8(b) + 3);
  r.Skip(2);
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(r.remaining(), 1u);
  r.Seek(1);
  EXPECT_EQ(r.ReadU8(), 'b');
  r.Seek(8);  // the end is a valid position
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  r.Seek(9);
  EXPECT_FALSE(r.ok());

  Reader r2(U8(b), b.size());
  char keep[10] = "unchanged";
  r2.ReadBytes(keep, 9);  // too long: untouched
  EXPECT_STREQ(keep, "unchanged");
  EXPECT_FALSE(r2.ok());

  Reader r3(U8(b), b.size());
  EXPECT_EQ(r3.Take(9), nullptr);
  EXPECT_FALSE(r3.ok());

  Reader r4(U8(b), b.size());
  r4.Skip(9);
  EXPECT_FALSE(r4.ok());

  Reader r5(U8(b), b.size());
  r5.Fail();
  EXPECT_FALSE(r5.ok());
  EXPECT_EQ(r5.ReadU8(), 0);
}

// A reader of `b` that has read the name at `at` into *n (see r.ok()).
Reader ReadNameAt(const std::string& b, size_t at, Name* n) {
  Reader r(U8(b), b.size());
  r.Seek(at);
  r.ReadName(n);
  return r;
}

TEST(ReaderTest, ReadsUncompressedNameLowerCased) {
  const std::string b = kHeader + "\003WwW\007Example\003COM\000\000\001"s;
  Name n;
  Reader r = ReadNameAt(b, 12, &n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.wire(), "\003www\007example\003com\000"s);
  EXPECT_EQ(n.label_count(), 3);
  EXPECT_EQ(r.position(), 12u + 17u);
  EXPECT_EQ(r.ReadU16(), 1);
}

TEST(ReaderTest, ReadsRootName) {
  const std::string b = "\000"s;
  Name n;
  ASSERT_TRUE(n.ParseText("not.root."));
  Reader r = ReadNameAt(b, 0, &n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.length(), 1u);
  EXPECT_EQ(r.position(), 1u);
}

TEST(ReaderTest, FollowsBackwardPointers) {
  // 12: www.example.com.   29: mail + ptr(16)   36: ptr(29)
  // 38: a + ptr(29)
  const std::string b = kHeader + "\003www\007Example\003com\000"s +
                        "\004MAIL\300\020"s + "\300\035"s + "\001a\300\035"s +
                        "\377"s;
  Name n;
  Reader r = ReadNameAt(b, 29, &n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.wire(), "\004mail\007example\003com\000"s);
  EXPECT_EQ(r.position(), 36u);  // after the pointer, not the target
  r.ReadName(&n);  // pointer to a pointer-terminated name
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.wire(), "\004mail\007example\003com\000"s);
  EXPECT_EQ(r.position(), 38u);
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.ToText(), "a.mail.example.com.");
  EXPECT_EQ(n.label_count(), 4);
  EXPECT_EQ(r.position(), 42u);
  EXPECT_EQ(r.ReadU8(), 0xff);
}

TEST(ReaderTest, PointerIntoMiddleOfEarlierName) {
  const std::string b = kHeader + "\003www\007example\003com\000"s +
                        "\300\030"s;  // -> "com" at 24
  Name n;
  ASSERT_TRUE(ReadNameAt(b, 29, &n).ok());
  EXPECT_EQ(n.wire(), "\003com\000"s);
}

TEST(ReaderTest, PointerChainToPointers) {
  // 12: "x" root; 15: ptr 12; 17: ptr 15; 19: ptr 17.
  const std::string b = kHeader + "\001x\000"s + "\300\014\300\017\300\021"s;
  Name n;
  Reader r = ReadNameAt(b, 19, &n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.wire(), "\001x\000"s);
  EXPECT_EQ(r.position(), 21u);
}

// Reads a name at `at` and expects failure.
void ExpectBadName(const std::string& b, size_t at) {
  Name n;
  ASSERT_TRUE(n.ParseText("keep.me."));
  Reader r = ReadNameAt(b, at, &n);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(n.length(), 1u);  // cleared to root
  EXPECT_EQ(r.ReadU8(), 0);   // sticky
}

TEST(ReaderTest, RejectsForwardAndLoopingPointers) {
  // Forward pointer.
  ExpectBadName(kHeader + "\300\016\001a\000"s, 12);
  // Pointer to itself.
  ExpectBadName(kHeader + "\300\014"s, 12);
  // Labels then a pointer back to the start of this same name (a loop).
  ExpectBadName(kHeader + "\001a\300\014"s, 12);
  // Pointer into the middle of the current name.
  ExpectBadName(kHeader + "\001a\001b\300\016"s, 12);
  // Two pointers pointing at each other: 12 -> 14 -> 12.
  ExpectBadName(kHeader + "\300\016\300\014"s, 14);
  // Backwards first, then forward again after the jump:
  // 12: "a" ptr(18) ; 16: ptr(12) ; 18: "b" root
  ExpectBadName(kHeader + "\001a\300\022\300\014\001b\000"s, 16);
  // Jump to a name whose own pointer is not below the first target.
  // 12: "x" root; 15: "y" ptr(17) (bad: 17 is after 15); 19: ptr(15).
  ExpectBadName(kHeader + "\001x\000\001y\300\021\300\017"s, 19);
}

TEST(ReaderTest, RejectsMalformedNames) {
  ExpectBadName(kHeader + "\003ab"s, 12);         // label past end
  ExpectBadName(kHeader + "\003abc"s, 12);        // no root
  ExpectBadName(kHeader + "\001a\300"s, 12);      // half a pointer
  ExpectBadName(kHeader + "\101abc\000"s, 12);    // 0x40 label type
  ExpectBadName(kHeader + "\201abc\000"s, 12);    // 0x80 label type
  ExpectBadName(kHeader, 12);                     // nothing at all
  ExpectBadName(kHeader + "\100" + std::string(64, 'a') + "\000"s, 12);
}

TEST(ReaderTest, ExpandedLengthLimit) {
  // 12: four labels (238 octets) + root = 239 octets.
  std::string base;
  for (int i = 0; i < 3; ++i) base += "\077" + std::string(63, 'a');
  base += "\055" + std::string(45, 'b');
  base += '\0';
  ASSERT_EQ(base.size(), 239u);
  // A 16-octet label + pointer to it expands to exactly 255 octets.
  std::string ok_prefix = "\017" + std::string(15, 'c');  // 16 octets
  std::string b = kHeader + base + ok_prefix + "\300\014"s;
  Name n;
  ASSERT_TRUE(ReadNameAt(b, 12 + base.size(), &n).ok());
  EXPECT_EQ(n.length(), 255u);

  std::string long_prefix = "\020" + std::string(16, 'c');  // 17 octets
  ExpectBadName(kHeader + base + long_prefix + "\300\014"s,
                12 + base.size());
}

TEST(ReaderTest, SkipName) {
  const std::string b = kHeader + "\003www\007example\003com\000"s +
                        "\004mail\300\020"s + "\001x"s;
  Reader r(U8(b), b.size());
  r.Seek(12);
  r.SkipName();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 29u);
  r.SkipName();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 36u);
  r.SkipName();  // truncated
  EXPECT_FALSE(r.ok());

  auto skip_fails = [](const std::string& m) {
    Reader s(U8(m), m.size());
    s.Seek(12);
    s.SkipName();
    return !s.ok();
  };
  EXPECT_TRUE(skip_fails(kHeader + "\300\016\000"s));   // forward pointer
  EXPECT_TRUE(skip_fails(kHeader + "\300\014"s));       // self pointer
  EXPECT_TRUE(skip_fails(kHeader + "\101a\000"s));      // 0x40
  EXPECT_TRUE(skip_fails(kHeader + "\001a\300"s));      // half pointer
  EXPECT_FALSE(skip_fails(kHeader + "\000"s));
  std::string long_name;
  for (int i = 0; i < 128; ++i) long_name += "\001x";
  EXPECT_TRUE(skip_fails(kHeader + long_name + "\000"s));  // > 255
}

}  // namespace
}  // namespace dns
