// zones::MasterTokenizer: entries, parentheses, quotes, escapes, comments,
// blank owners, and errors that resume at the next line.
#include "zones/master_tokenizer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zones {
namespace {

using ::testing::ElementsAre;

struct Seen {
  int line;
  bool has_owner;
  std::vector<std::string> tokens;  // quoted ones as "..."
  std::string error;                // "line: message"
};

std::vector<Seen> Tokenize(std::string_view text) {
  MasterTokenizer t(text);
  MasterEntry e;
  MasterTokenizer::Error err;
  std::vector<Seen> out;
  for (int guard = 0; guard < 1000 && t.Next(&e, &err); ++guard) {
    Seen s{e.line, e.has_owner, {}, ""};
    for (const MasterToken& tok : e.tokens)
      s.tokens.push_back(tok.quoted ? "\"" + std::string(tok.text) + "\"" : std::string(tok.text));
    if (!err.message.empty()) s.error = std::to_string(err.line) + ": " + err.message;
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<Seen> all = Tokenize(text);
  return all.empty() ? std::vector<std::string>{} : all[0].tokens;
}

TEST(MasterTokenizerTest, OneLinePerEntry) {
  std::vector<Seen> s = Tokenize("www IN 300 A 192.0.2.1\nmail A 192.0.2.2\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].line, 1);
  EXPECT_TRUE(s[0].has_owner);
  EXPECT_THAT(s[0].tokens, ElementsAre("www", "IN", "300", "A", "192.0.2.1"));
  EXPECT_EQ(s[1].line, 2);
  EXPECT_THAT(s[1].tokens, ElementsAre("mail", "A", "192.0.2.2"));
}

TEST(MasterTokenizerTest, BlankOwnerCommentsAndEmptyLines) {
  std::vector<Seen> s = Tokenize("; header\n\n   \t\n  A 192.0.2.1 ; note\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].line, 4);
  EXPECT_FALSE(s[0].has_owner);
  EXPECT_THAT(s[0].tokens, ElementsAre("A", "192.0.2.1"));
}

TEST(MasterTokenizerTest, ParenthesesJoinLines) {
  std::vector<Seen> s = Tokenize(
      "@ SOA ns hostmaster (\n"
      "   2024060101 ; serial\n"
      "   3600 900 ) ; timers\n"
      "x A 192.0.2.9\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_THAT(s[0].tokens, ElementsAre("@", "SOA", "ns", "hostmaster", "2024060101", "3600", "900"));
  EXPECT_EQ(s[1].line, 4);
}

TEST(MasterTokenizerTest, QuotedStringsKeepBlanksSemicolonsAndEscapes) {
  EXPECT_THAT(Tokens(R"(t TXT "a b;c" "say \"hi\"" "back\\slash" "")"),
              ElementsAre("t", "TXT", "\"a b;c\"", R"("say \"hi\"")", R"("back\\slash")", "\"\""));
}

TEST(MasterTokenizerTest, EscapesOutsideQuotesJoinTheToken) {
  EXPECT_THAT(Tokens(R"(a\ b\;c\(d A 192.0.2.1)"), ElementsAre(R"(a\ b\;c\(d)", "A", "192.0.2.1"));
}

// A quote inside a token starts a quoted one joined to it: SVCB's
// key="value" comes back together, TXT's a"b" is two strings.
TEST(MasterTokenizerTest, QuoteInsideATokenStartsAJoinedOne) {
  MasterTokenizer t("s HTTPS 1 . alpn=\"h2,h3\" \"x\"y z\n");
  MasterEntry e;
  MasterTokenizer::Error err;
  ASSERT_TRUE(t.Next(&e, &err));
  ASSERT_EQ(e.tokens.size(), 9u);
  EXPECT_EQ(e.tokens[4].text, "alpn=");
  EXPECT_FALSE(e.tokens[4].joined);
  EXPECT_EQ(e.tokens[5].text, "h2,h3");
  EXPECT_TRUE(e.tokens[5].quoted);
  EXPECT_TRUE(e.tokens[5].joined);
  EXPECT_EQ(e.tokens[6].text, "x");
  EXPECT_FALSE(e.tokens[6].joined);
  EXPECT_EQ(e.tokens[7].text, "y");
  EXPECT_TRUE(e.tokens[7].joined);
  EXPECT_FALSE(e.tokens[7].quoted);
}

TEST(MasterTokenizerTest, CarriageReturnsAreBlanks) {
  std::vector<Seen> s = Tokenize("a A 192.0.2.1\r\nb A 192.0.2.2\r\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_THAT(s[0].tokens, ElementsAre("a", "A", "192.0.2.1"));
  EXPECT_THAT(s[1].tokens, ElementsAre("b", "A", "192.0.2.2"));
}

TEST(MasterTokenizerTest, UnclosedParenthesisIsAnErrorAtItsLine) {
  std::vector<Seen> s = Tokenize("p IN TXT ( \"a\"\nq IN A 192.0.2.8\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].error, "1: unclosed '(' opened at line 1");
}

TEST(MasterTokenizerTest, UnterminatedQuoteIsAnErrorAndTheNextLineStillReads) {
  std::vector<Seen> s = Tokenize("p TXT \"open\nq A 192.0.2.8\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].error, "1: unterminated quoted string");
  EXPECT_EQ(s[1].error, "");
  EXPECT_THAT(s[1].tokens, ElementsAre("q", "A", "192.0.2.8"));
}

// Inside parentheses a quoted string may span lines and keeps the line
// end (NSD and Knot: "first\010second"); the entry's next line counts on.
TEST(MasterTokenizerTest, QuotedLineEndInsideParenthesesIsKept) {
  std::vector<Seen> s = Tokenize("t TXT ( \"first\nsecond\" )\nu A 192.0.2.1\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].error, "");
  EXPECT_THAT(s[0].tokens, ElementsAre("t", "TXT", "\"first\nsecond\""));
  EXPECT_EQ(s[1].line, 3);
  // An unterminated one inside parentheses: the error is at its line.
  std::vector<Seen> bad = Tokenize("a A 192.0.2.1\nt TXT ( \"open\nmore\n");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[1].error, "2: unterminated quoted string");
}

TEST(MasterTokenizerTest, StrayAndNestedParentheses) {
  std::vector<Seen> s = Tokenize("a A 192.0.2.1 )\nb TXT ( ( \"x\" )\nc A 192.0.2.3\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].error, "1: ')' without '('");
  EXPECT_EQ(s[1].error, "2: '(' inside parentheses (the first '(' is at line 2)");
  EXPECT_THAT(s[2].tokens, ElementsAre("c", "A", "192.0.2.3"));
}

TEST(MasterTokenizerTest, NulOctetIsAnError) {
  std::vector<Seen> s = Tokenize(std::string("a A 192.0.2.1\0\nb A 192.0.2.2\n", 29));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].error, "1: NUL octet in the file");
  EXPECT_THAT(s[1].tokens, ElementsAre("b", "A", "192.0.2.2"));
}

TEST(MasterTokenizerTest, TokenLinesInsideParentheses) {
  MasterTokenizer t("k DNSKEY 257 3 8 (\n AwEAAa\n Bbbb )\n");
  MasterEntry e;
  MasterTokenizer::Error err;
  ASSERT_TRUE(t.Next(&e, &err));
  ASSERT_EQ(e.tokens.size(), 7u);
  EXPECT_EQ(e.tokens[5].line, 2);
  EXPECT_EQ(e.tokens[6].line, 3);
  EXPECT_FALSE(t.Next(&e, &err));
}

TEST(MasterTokenizerTest, NoFinalNewline) {
  EXPECT_THAT(Tokens("a A 192.0.2.1"), ElementsAre("a", "A", "192.0.2.1"));
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("; only a comment").empty());
}

}  // namespace
}  // namespace zones
