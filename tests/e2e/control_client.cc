// File: tests/e2e/control_client.cc
#include "tests/e2e/control_client.h"

#include <httplib.h>
#include <time.h>

#include <cstdlib>
#include <sstream>

#ifndef STEER_E2E_DEFAULT_BINARY_DIR
#define STEER_E2E_DEFAULT_BINARY_DIR "."
#endif

namespace e2e {
namespace {

size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (c == '\n');
  if (!s.empty() && s.back() != '\n') ++n;
  return n;
}

}  // namespace

std::string ZonectlPath() {
  const char* dir = std::getenv("STEER_BINARY_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir
                                                    : STEER_E2E_DEFAULT_BINARY_DIR) +
         "/tools/zonectl";
}

std::string ToolRun::Describe() const {
  std::ostringstream s;
  s << "command: " << command << "\nexit: " << exit.Describe()
    << "\n--- stdout ---\n" << out << "--- stderr ---\n" << err << "---";
  return s.str();
}

ToolRun RunZonectl(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {ZonectlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  ToolRun r;
  for (const auto& a : argv) r.command += (r.command.empty() ? "" : " ") + a;
  std::string both;
  r.exit = RunProgram(argv, timeout, &both, &r.err);
  r.out = both.substr(r.err.size());
  return r;
}

ToolRun Zonectl(const ServerProcess& server, const std::vector<std::string>& args,
                std::chrono::milliseconds timeout) {
  std::vector<std::string> full = {"--server", server.control_url()};
  full.insert(full.end(), args.begin(), args.end());
  return RunZonectl(full, timeout);
}

testing::AssertionResult Succeeded(const ToolRun& r) {
  if (!r.exit.exited_in_time || !r.exit.exited || r.exit.exit_code != 0) {
    return testing::AssertionFailure() << "expected exit 0\n" << r.Describe();
  }
  if (!r.err.empty()) {
    return testing::AssertionFailure() << "expected nothing on stderr\n" << r.Describe();
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult FailedWithOneLine(const ToolRun& r, int code) {
  if (!r.exit.exited_in_time || !r.exit.exited) {
    return testing::AssertionFailure() << "expected an exit in time\n" << r.Describe();
  }
  if (code < 0 ? r.exit.exit_code == 0 : r.exit.exit_code != code) {
    return testing::AssertionFailure()
           << "expected exit status " << (code < 0 ? "!= 0" : std::to_string(code))
           << "\n" << r.Describe();
  }
  if (CountLines(r.err) != 1 || r.err.back() != '\n') {
    return testing::AssertionFailure()
           << "expected exactly one line on stderr\n" << r.Describe();
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult ParsesAsJson(const ToolRun& r, json* out) {
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    return testing::AssertionFailure() << "stdout is not JSON\n" << r.Describe();
  }
  if (out != nullptr) *out = std::move(j);
  return testing::AssertionSuccess();
}

std::string HttpReply::Describe() const {
  std::ostringstream s;
  if (status == 0) {
    s << "no HTTP response: " << error;
  } else {
    s << "HTTP " << status << " (" << content_type << "): " << body;
  }
  return s.str();
}

HttpReply Http(const ServerProcess& server, const std::string& method,
               const std::string& path, const std::string& body,
               const std::string& content_type, const std::string& bearer_token) {
  httplib::Client cli("127.0.0.1", server.control_port());
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(30, 0);
  cli.set_write_timeout(30, 0);
  if (!bearer_token.empty()) cli.set_bearer_token_auth(bearer_token);
  httplib::Result res = [&] {
    if (method == "DELETE") return cli.Delete(path);
    if (method == "PUT") return cli.Put(path, body, content_type);
    if (method == "POST") return cli.Post(path, body, content_type);
    if (method == "PATCH") return cli.Patch(path, body, content_type);
    return cli.Get(path);
  }();
  HttpReply out;
  if (!res) {
    out.error = method + " " + path + ": " + httplib::to_string(res.error());
    return out;
  }
  out.status = res->status;
  out.body = res->body;
  out.content_type = res->get_header_value("Content-Type");
  out.body_json = json::parse(out.body, nullptr, false);
  return out;
}

std::string NonSnakeKey(const json& value, const std::vector<std::string>& except) {
  if (value.is_array()) {
    for (const json& e : value) {
      std::string bad = NonSnakeKey(e, except);
      if (!bad.empty()) return bad;
    }
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      bool skip = false;
      for (const auto& e : except) skip |= (e == it.key());
      if (skip) continue;
      if (it.key().empty()) return "(empty key)";
      for (char c : it.key()) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
          return it.key();
        }
      }
      std::string bad = NonSnakeKey(it.value(), except);
      if (!bad.empty()) return bad;
    }
  }
  return "";
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  const time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace e2e
