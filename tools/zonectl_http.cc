// File: tools/zonectl_http.cc
#include "tools/zonectl_http.h"

#include <httplib.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace zonectl {
namespace {

// Collapses a message to one line (the API promises one line; a proxy's
// HTML error page does not).
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  s = std::string(absl::StripAsciiWhitespace(s));
  constexpr size_t kMax = 400;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// What went wrong on the way, in words.
std::string Describe(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot connect (is steerdns running with --control there?)";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "no complete reply (read failed or timed out)";
    case httplib::Error::Write:
      return "could not send the request";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return "TLS failed";
    default:
      return httplib::to_string(e);
  }
}

ApiResponse Finish(const char* method, const std::string& url,
                   const std::string& path, const httplib::Result& result) {
  ApiResponse out;
  if (!result) {
    out.error = absl::StrCat("cannot reach the steerdns control API at ", url,
                             ": ", Describe(result.error()));
    return out;
  }
  out.status = result->status;
  out.body = result->body;
  if (!out.body.empty()) {
    out.json = nlohmann::json::parse(out.body, nullptr, /*allow_exceptions=*/false);
    out.is_json = !out.json.is_discarded();
    if (!out.is_json) out.json = nullptr;
  }
  if (out.ok()) return out;
  if (out.is_json && out.json.is_object()) {
    auto c = out.json.find("code");
    if (c != out.json.end() && c->is_string()) out.code = c->get<std::string>();
    auto e = out.json.find("error");
    if (e != out.json.end() && e->is_string()) {
      out.error = OneLine(e->get<std::string>());
      if (out.error.empty()) out.error = absl::StrCat("HTTP ", out.status);
      return out;
    }
  }
  std::string detail = OneLine(out.body);
  out.error = absl::StrCat(method, " ", path, ": HTTP ", out.status,
                           detail.empty() ? "" : ": ", detail);
  return out;
}

}  // namespace

absl::StatusOr<ApiClient> ApiClient::Create(const std::string& url,
                                            const std::string& token,
                                            int timeout_s) {
  std::string u = std::string(absl::StripAsciiWhitespace(url));
  if (u.empty()) return absl::InvalidArgumentError("empty --server URL");
  if (u.find("://") == std::string::npos) u = "http://" + u;
  const size_t scheme_end = u.find("://");
  const std::string scheme = absl::AsciiStrToLower(u.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("--server '", url, "': only http:// and https:// URLs"));
  }
  const size_t host_begin = scheme_end + 3;
  const size_t slash = u.find('/', host_begin);
  std::string host_port = u.substr(host_begin, slash == std::string::npos
                                                   ? std::string::npos
                                                   : slash - host_begin);
  std::string prefix = slash == std::string::npos ? "" : u.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (host_port.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server '", url, "': no host"));
  }
  ApiClient c;
  c.url_ = url;
  c.prefix_ = prefix;
  c.client_ = std::make_unique<httplib::Client>(scheme + "://" + host_port);
  if (!c.client_->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server '", url, "': not a usable URL"));
  }
  c.client_->set_connection_timeout(timeout_s, 0);
  c.client_->set_read_timeout(timeout_s, 0);
  c.client_->set_write_timeout(timeout_s, 0);
  c.client_->set_keep_alive(true);
  if (!token.empty()) c.client_->set_bearer_token_auth(token);
  return c;
}

ApiClient::ApiClient(ApiClient&&) noexcept = default;
ApiClient& ApiClient::operator=(ApiClient&&) noexcept = default;
ApiClient::~ApiClient() = default;

ApiResponse ApiClient::Get(const std::string& path) {
  return Finish("GET", url_, path, client_->Get(prefix_ + path));
}

ApiResponse ApiClient::Delete(const std::string& path) {
  return Finish("DELETE", url_, path, client_->Delete(prefix_ + path));
}

ApiResponse ApiClient::Put(const std::string& path, const std::string& body,
                           const std::string& content_type) {
  return Finish("PUT", url_, path,
                client_->Put(prefix_ + path, body, content_type));
}

ApiResponse ApiClient::Post(const std::string& path, const std::string& body,
                            const std::string& content_type) {
  return Finish("POST", url_, path,
                client_->Post(prefix_ + path, body, content_type));
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("--token-file ", path, ": cannot open"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = std::string(absl::StripAsciiWhitespace(ss.str()));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token-file ", path, ": empty"));
  }
  return token;
}

}  // namespace zonectl
