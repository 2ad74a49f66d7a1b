// Tests for health/http_response.h: the request a probe sends and Route
// 53's reading of the response, fed bytes by hand in any split.
#include "health/http_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace health {
namespace {

using ::testing::Optional;

// What a reader says about `response` fed in pieces of `piece` bytes
// (0 = all at once), then a close if it is still undecided.
HttpVerdict Read(HttpResponseReader reader, std::string_view response, size_t piece = 0) {
  if (piece == 0) piece = response.size() + 1;
  for (size_t i = 0; i < response.size(); i += piece) {
    if (std::optional<HttpVerdict> v = reader.Feed(response.substr(i, piece))) return *v;
  }
  return reader.Close();
}

// A reader for *_STR_MATCH with SearchString "ALIVE".
HttpResponseReader Match() { return HttpResponseReader("ALIVE"); }

std::string Filler(size_t n) { return std::string(n, '.'); }

std::string WithLength(std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

MATCHER_P2(Verdict, ok, reason, "") { return arg.ok == ok && arg.reason == reason; }

TEST(HttpRequestTest, GetWithHostUserAgentAndClose) {
  HealthCheckConfig cfg;
  cfg.type = HealthCheckType::kHttp;
  cfg.ip_address = "192.0.2.1";
  cfg.port = 8080;
  cfg.resource_path = "/health?x=1";
  EXPECT_EQ(HttpRequestFor(cfg),
            "GET /health?x=1 HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n"
            "User-Agent: steerdns-health-check/1.0 (Route 53 compatible)\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n");
}

TEST(HttpResponseReaderTest, StatusDecides) {
  EXPECT_THAT(Read({}, "HTTP/1.1 200 OK\r\n"), Verdict(true, "HTTP 200"));
  EXPECT_THAT(Read({}, "HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n"), Verdict(true, "HTTP 302"));
  EXPECT_THAT(Read({}, "HTTP/1.1 399 X\n"), Verdict(true, "HTTP 399"));
  EXPECT_THAT(Read({}, "HTTP/1.1 503 Service Unavailable\r\n"), Verdict(false, "HTTP 503"));
  EXPECT_THAT(Read({}, "HTTP/1.1 404 Not Found\r\n"), Verdict(false, "HTTP 404"));
  EXPECT_THAT(Read({}, "HTTP/1.1 199 Early\r\n"), Verdict(false, "HTTP 199"));
  EXPECT_THAT(Read(Match(), "HTTP/1.1 500 X\r\n\r\nALIVE"), Verdict(false, "HTTP 500"));
}

TEST(HttpResponseReaderTest, StatusLineSplitAcrossPackets) {
  HttpResponseReader r;
  EXPECT_EQ(r.Feed("HT"), std::nullopt);
  EXPECT_EQ(r.Feed("TP/1.1 2"), std::nullopt);
  EXPECT_EQ(r.Feed("04 No Content\r"), std::nullopt);
  EXPECT_EQ(r.status(), 0);
  EXPECT_THAT(r.Feed("\n"), Optional(Verdict(true, "HTTP 204")));
  EXPECT_EQ(r.status(), 204);
}

TEST(HttpResponseReaderTest, BadStatusLines) {
  EXPECT_THAT(Read({}, "SSH-2.0-OpenSSH"), Verdict(false, "not an HTTP response"));
  EXPECT_THAT(Read({}, "HTTP/1.1\r\n"), Verdict(false, "not an HTTP response"));
  EXPECT_THAT(Read({}, "HTTP/1.1 2x0 OK\r\n"), Verdict(false, "not an HTTP response"));
  EXPECT_THAT(Read({}, "HTTP/1.1 099 Low\r\n"), Verdict(false, "not an HTTP response"));
  EXPECT_THAT(Read({}, "HTTP/" + Filler(20000)),
              Verdict(false, "malformed HTTP response: status line too long"));
}

TEST(HttpResponseReaderTest, CloseBeforeAVerdict) {
  EXPECT_THAT(Read({}, ""), Verdict(false, "connection closed without a response"));
  EXPECT_THAT(Read({}, "HTTP/1.1 20"), Verdict(false, "connection closed before the HTTP status"));
  // *_STR_MATCH: a good status, then the head is cut short.
  EXPECT_THAT(Read(Match(), "HTTP/1.1 200 OK\r\nContent-Le"),
              Verdict(false, "search string not found"));
}

TEST(HttpResponseReaderTest, SearchesTheFirst5120BytesOfTheBody) {
  EXPECT_THAT(Read(Match(), WithLength(Filler(100) + "ALIVE" + Filler(9000))),
              Verdict(true, "HTTP 200"));
  EXPECT_THAT(Read(Match(), WithLength(Filler(5115) + "ALIVE" + Filler(100))),
              Verdict(true, "HTTP 200"))
      << "ends at byte 5,120";
  EXPECT_THAT(Read(Match(), WithLength(Filler(5116) + "ALIVE")),
              Verdict(false, "search string not found"))
      << "ends at byte 5,121";
  EXPECT_THAT(Read(Match(), WithLength(Filler(300))), Verdict(false, "search string not found"));
  EXPECT_THAT(Read(Match(), WithLength("")), Verdict(false, "search string not found"));
}

TEST(HttpResponseReaderTest, BodyFramedByContentLengthOrClose) {
  // Bytes past Content-Length are not body.
  EXPECT_THAT(Read(Match(), "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcALIVE"),
              Verdict(false, "search string not found"));
  // No Content-Length: the body runs to the close.
  HttpResponseReader r = Match();
  EXPECT_EQ(r.Feed("HTTP/1.1 200 OK\r\n\r\nno"), std::nullopt);
  EXPECT_TRUE(r.in_body());
  EXPECT_THAT(r.Close(), Verdict(false, "search string not found"));
  // Bare LF line ends and header names in any case.
  EXPECT_THAT(Read(Match(), "HTTP/1.1 200 OK\ncontent-LENGTH: 5\n\nALIVE"),
              Verdict(true, "HTTP 200"));
}

TEST(HttpResponseReaderTest, ChunkedBody) {
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 2\r\n\r\n"
      "3;ext=1\r\nAL\n\r\n"  // "AL\n"
      "a\r\n" + Filler(3) + "ALIVE..\r\n"
      "0\r\n\r\n";
  EXPECT_THAT(Read(Match(), chunked), Verdict(true, "HTTP 200"))
      << "chunked wins over Content-Length";
  EXPECT_THAT(Read(Match(), chunked, 1), Verdict(true, "HTTP 200")) << "one byte at a time";
  // Chunk framing is not body: "ALIVE" split by a chunk boundary still counts.
  EXPECT_THAT(Read(Match(),
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2\r\nAL\r\n3\r\nIVE\r\n0\r\n\r\n"),
              Verdict(true, "HTTP 200"));
  EXPECT_THAT(Read(Match(),
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nHELLO\r\n0\r\n\r\n"),
              Verdict(false, "search string not found"))
      << "the last chunk ends the body";
}

TEST(HttpResponseReaderTest, AnySplitGivesTheSameVerdict) {
  const std::string response = WithLength(Filler(2500) + "ALIVE" + Filler(10));
  for (size_t piece : {1, 2, 7, 100, 4096}) {
    EXPECT_THAT(Read(Match(), response, piece), Verdict(true, "HTTP 200")) << piece;
  }
}

TEST(HttpResponseReaderTest, EntersTheBodyOnceTheHeadIsRead) {
  HttpResponseReader r = Match();
  EXPECT_EQ(r.Feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"), std::nullopt);
  EXPECT_FALSE(r.in_body());
  EXPECT_EQ(r.Feed("\r\nAL"), std::nullopt);
  EXPECT_TRUE(r.in_body());
  EXPECT_THAT(r.Feed("IVE"), Optional(Verdict(true, "HTTP 200")));
}

TEST(HttpResponseReaderTest, HeadersTooLong) {
  EXPECT_THAT(Read(Match(), "HTTP/1.1 200 OK\r\nX: " + Filler(20000)),
              Verdict(false, "malformed HTTP response: headers too long"));
}

}  // namespace
}  // namespace health
