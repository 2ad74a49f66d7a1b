// File: health/http_response.cc
#include "health/http_response.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace health {

using base::AV;

namespace {

// A response head larger than this fails the probe (Route 53 reads status
// and headers; real ones are a few hundred bytes).
constexpr size_t kMaxHeadBytes = 16384;

constexpr char kUserAgent[] = "steerdns-health-check/1.0 (Route 53 compatible)";

// The value of one hex digit, or -1.
int HexDigit(char h) {
  if (absl::ascii_isdigit(h)) return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

}  // namespace

std::string HttpRequestFor(const HealthCheckConfig& cfg) {
  return absl::StrCat("GET ", cfg.resource_path, " HTTP/1.1\r\nHost: ", cfg.HostHeader(),
                      "\r\nUser-Agent: ", kUserAgent,
                      "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

std::optional<HttpVerdict> HttpResponseReader::Feed(std::string_view bytes) {
  if (state_ == State::kBody) return ReadBody(bytes);
  head_.append(bytes.data(), bytes.size());
  return ReadHead();
}

HttpVerdict HttpResponseReader::Close() {
  if (state_ == State::kBody) {
    body_done_ = true;
    return *ReadBody({});  // a finished body always has a verdict
  }
  if (status_ != 0) return {false, "search string not found"};  // head cut short
  return {false, head_.empty() ? "connection closed without a response"
                               : "connection closed before the HTTP status"};
}

std::optional<HttpVerdict> HttpResponseReader::ReadHead() {
  if (state_ == State::kStatusLine) {
    const size_t eol = head_.find('\n');
    if (eol == std::string::npos) {
      if (head_.size() > kMaxHeadBytes) {
        return HttpVerdict{false, "malformed HTTP response: status line too long"};
      }
      if (head_.size() >= 5 && head_.compare(0, 5, "HTTP/") != 0) {
        return HttpVerdict{false, "not an HTTP response"};
      }
      return std::nullopt;
    }
    // "HTTP/1.1 200 OK"
    const std::string_view line(head_.data(), eol);
    const size_t sp = line.find(' ');
    int code = 0;
    if (line.substr(0, 5) != "HTTP/" || sp == std::string_view::npos ||
        line.size() < sp + 4 || !absl::SimpleAtoi(AV(line.substr(sp + 1, 3)), &code) ||
        code < 100 || code > 999) {
      return HttpVerdict{false, "not an HTTP response"};
    }
    status_ = code;
    if (code < 200 || code >= 400) return HttpVerdict{false, absl::StrCat("HTTP ", code)};
    if (!match_body_) return HttpVerdict{true, absl::StrCat("HTTP ", code)};
    state_ = State::kHeaders;
  }
  // *_STR_MATCH: find the end of the head, then read the body.
  size_t end = head_.find("\r\n\r\n");
  size_t body_at = end == std::string::npos ? end : end + 4;
  if (end == std::string::npos) {
    end = head_.find("\n\n");
    body_at = end == std::string::npos ? end : end + 2;
  }
  if (end == std::string::npos) {
    if (head_.size() > kMaxHeadBytes) {
      return HttpVerdict{false, "malformed HTTP response: headers too long"};
    }
    return std::nullopt;
  }
  // Headers that decide how the body is framed.
  const std::string_view headers(head_.data(), end);
  size_t pos = headers.find('\n');
  while (pos != std::string_view::npos && pos < headers.size()) {
    const size_t next = headers.find('\n', pos + 1);
    const std::string_view h = headers.substr(
        pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    const size_t colon = h.find(':');
    if (colon != std::string_view::npos) {
      const absl::string_view name = absl::StripAsciiWhitespace(AV(h.substr(0, colon)));
      const absl::string_view value = absl::StripAsciiWhitespace(AV(h.substr(colon + 1)));
      if (absl::EqualsIgnoreCase(name, "transfer-encoding") &&
          absl::StrContains(absl::AsciiStrToLower(value), "chunked")) {
        chunked_ = true;
      } else if (absl::EqualsIgnoreCase(name, "content-length")) {
        int64_t len;
        if (absl::SimpleAtoi(value, &len) && len >= 0) content_left_ = len;
      }
    }
    pos = next;
  }
  if (chunked_) content_left_ = -1;
  const std::string rest = head_.substr(body_at);
  std::string().swap(head_);
  state_ = State::kBody;
  return ReadBody(rest);
}

void HttpResponseReader::Keep(std::string_view bytes) {
  constexpr size_t kWindow = HealthCheckConfig::kSearchWindow;
  if (body_.size() < kWindow) {
    body_.append(bytes.data(), std::min(bytes.size(), kWindow - body_.size()));
  }
}

std::optional<HttpVerdict> HttpResponseReader::ReadBody(std::string_view data) {
  if (!chunked_) {
    if (content_left_ >= 0) {
      data = data.substr(0, static_cast<size_t>(std::min<int64_t>(
                                content_left_, static_cast<int64_t>(data.size()))));
      content_left_ -= static_cast<int64_t>(data.size());
      if (content_left_ == 0) body_done_ = true;
    }
    Keep(data);
  } else {
    DecodeChunked(data);
  }
  if (body_.find(search_string_) != std::string::npos) {
    return HttpVerdict{true, absl::StrCat("HTTP ", status_)};
  }
  if (body_done_ || body_.size() >= HealthCheckConfig::kSearchWindow) {
    return HttpVerdict{false, "search string not found"};
  }
  return std::nullopt;
}

void HttpResponseReader::DecodeChunked(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && chunk_state_ != ChunkState::kDone) {
    switch (chunk_state_) {
      case ChunkState::kSize: {
        const char ch = data[i++];
        if (ch != '\n') {
          if (chunk_line_.size() < 1024) chunk_line_.push_back(ch);
          break;
        }
        // "1a3f;ext=1\r": the hex size before any extension.
        uint64_t size = 0;
        size_t digits = 0;
        for (char h : chunk_line_) {
          const int v = HexDigit(h);
          if (v < 0 || digits == 15) break;
          size = size * 16 + static_cast<uint64_t>(v);
          ++digits;
        }
        chunk_line_.clear();
        if (digits == 0 || size == 0) {
          chunk_state_ = ChunkState::kDone;  // last chunk (or garbage)
        } else {
          chunk_left_ = size;
          chunk_state_ = ChunkState::kData;
        }
        break;
      }
      case ChunkState::kData: {
        const size_t n =
            static_cast<size_t>(std::min<uint64_t>(chunk_left_, data.size() - i));
        Keep(data.substr(i, n));
        i += n;
        chunk_left_ -= n;
        if (chunk_left_ == 0) chunk_state_ = ChunkState::kDataEnd;
        break;
      }
      case ChunkState::kDataEnd:
        if (data[i++] == '\n') chunk_state_ = ChunkState::kSize;
        break;
      case ChunkState::kDone:
        break;
    }
  }
  if (chunk_state_ == ChunkState::kDone) body_done_ = true;
}

}  // namespace health
