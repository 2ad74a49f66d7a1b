// File: tools/zonectl_http.h
//
// zonectl's client of the steerdns control API (docs/control-api.md): one
// HTTP/1.1 request at a time to `--server URL`, with an optional bearer
// token, JSON bodies parsed with nlohmann-json. Every failure becomes one
// line of text: the API's own `{"error": ...}` message when the server sent
// one, else what went wrong on the way ("cannot reach ...", "HTTP 502").
//
// Example:
//   absl::StatusOr<zonectl::ApiClient> api =
//       zonectl::ApiClient::Create("http://127.0.0.1:8053", token, 30);
//   zonectl::ApiResponse r = api->Get("/v1/zones");
//   if (!r.ok()) { std::cerr << "zonectl: " << r.error << "\n"; return 1; }
//   for (const auto& z : r.json["zones"]) ...;
//
// Thread safety: none; one ApiClient per thread.
#ifndef STEERDNS_TOOLS_ZONECTL_HTTP_H_
#define STEERDNS_TOOLS_ZONECTL_HTTP_H_

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace httplib {
class Client;
}

namespace zonectl {

// What one request gave.
struct ApiResponse {
  int status = 0;         // HTTP status; 0 when no response came
  std::string body;       // raw body
  nlohmann::json json;    // parsed body (null if empty or not JSON)
  bool is_json = false;   // body parsed as JSON
  std::string code;       // the API's error code ("NoSuchZone"), if any
  std::string error;      // one line, set when !ok()
  bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
 public:
  // `url`: "http://host:port" with an optional path prefix ("http://h:1/x");
  // a bare "host:port" means http. `token`: sent as "Authorization: Bearer"
  // when non-empty. `timeout_s`: connect, read and write timeout each.
  // InvalidArgument for a URL that does not parse.
  static absl::StatusOr<ApiClient> Create(const std::string& url,
                                          const std::string& token,
                                          int timeout_s);
  ApiClient(ApiClient&&) noexcept;
  ApiClient& operator=(ApiClient&&) noexcept;
  ~ApiClient();

  // `path` starts with "/" and is already percent-encoded where needed.
  ApiResponse Get(const std::string& path);
  ApiResponse Delete(const std::string& path);
  ApiResponse Put(const std::string& path, const std::string& body,
                  const std::string& content_type);
  ApiResponse Post(const std::string& path, const std::string& body,
                   const std::string& content_type);

  // The server URL as given (for messages).
  const std::string& url() const { return url_; }

 private:
  ApiClient() = default;
  std::string url_;
  std::string prefix_;  // path prefix from the URL, without trailing '/'
  std::unique_ptr<httplib::Client> client_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (a path
// segment or a query value).
std::string UrlEncode(std::string_view s);

// Reads a token file: its content without surrounding whitespace. NotFound
// or InvalidArgument (empty) otherwise.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace zonectl

#endif  // STEERDNS_TOOLS_ZONECTL_HTTP_H_
