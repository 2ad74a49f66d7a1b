// File: health/http_response.h
//
// The HTTP of a Route 53 HTTP(S) health check: the request a probe sends
// and HttpResponseReader, which reads the answer as Route 53 does. Pure:
// fed bytes, no socket, no clock (the probe owns both, and the timeouts).
//
// Route 53's rules, as the reader applies them:
//   - The status line ("HTTP/1.1 200 OK") decides: 2xx and 3xx pass
//     ("HTTP 302"; a redirect is not followed), anything else fails
//     ("HTTP 503"). For HTTP and HTTPS nothing after it is read.
//   - *_STR_MATCH, with a passing status: SearchString must appear in the
//     first 5,120 bytes of the body (HealthCheckConfig::kSearchWindow),
//     framed by Content-Length, chunked transfer coding or the close.
//   - Failures: "not an HTTP response", "malformed HTTP response: status
//     line too long" / "...: headers too long" (over 16 KiB),
//     "search string not found", and on a close before a verdict
//     "connection closed without a response" / "connection closed before
//     the HTTP status".
//
// Example:
//   HttpResponseReader reader("ALIVE");              // HTTP_STR_MATCH
//   std::optional<HttpVerdict> v = reader.Feed(bytes);  // nullopt: more
//   if (!v && peer_closed) v = reader.Close();
//   // v->ok, v->reason ("HTTP 200", "search string not found")
//
// Thread safety: none; one reader per probe.
#ifndef STEERDNS_HEALTH_HTTP_RESPONSE_H_
#define STEERDNS_HEALTH_HTTP_RESPONSE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "health/health_checks.h"

namespace health {

// "GET ResourcePath HTTP/1.1" with Host (HealthCheckConfig::HostHeader),
// a steerdns User-Agent, "Accept: */*" and "Connection: close".
std::string HttpRequestFor(const HealthCheckConfig& cfg);

// A decided response.
struct HttpVerdict {
  bool ok = false;     // the endpoint passed
  std::string reason;  // "HTTP 200", "HTTP 503", "search string not found"
};

class HttpResponseReader {
 public:
  // HTTP and HTTPS: the status decides.
  HttpResponseReader() = default;
  // *_STR_MATCH: a passing status, then `search_string` in the body.
  explicit HttpResponseReader(std::string search_string)
      : match_body_(true), search_string_(std::move(search_string)) {}

  // Feeds the next bytes as received (any split). Returns the verdict once
  // decided; do not feed more after that.
  std::optional<HttpVerdict> Feed(std::string_view bytes);
  // The peer closed the connection: the verdict on what came before.
  HttpVerdict Close();

  // True once the head is read and the body is being searched
  // (*_STR_MATCH): Route 53 gives the body a timeout of its own.
  bool in_body() const { return state_ == State::kBody; }
  // The HTTP status once the status line is read, else 0.
  int status() const { return status_; }

 private:
  enum class State : uint8_t { kStatusLine, kHeaders, kBody };
  // Chunked transfer coding, as far as the search window needs it.
  enum class ChunkState : uint8_t { kSize, kData, kDataEnd, kDone };

  std::optional<HttpVerdict> ReadHead();
  std::optional<HttpVerdict> ReadBody(std::string_view data);
  void DecodeChunked(std::string_view data);
  void Keep(std::string_view bytes);

  bool match_body_ = false;
  std::string search_string_;
  State state_ = State::kStatusLine;
  std::string head_;  // response head bytes until the body starts
  int status_ = 0;
  bool chunked_ = false;
  int64_t content_left_ = -1;  // -1: no Content-Length
  ChunkState chunk_state_ = ChunkState::kSize;
  uint64_t chunk_left_ = 0;
  std::string chunk_line_;
  bool body_done_ = false;
  std::string body_;  // decoded, at most kSearchWindow bytes
};

}  // namespace health

#endif  // STEERDNS_HEALTH_HTTP_RESPONSE_H_
