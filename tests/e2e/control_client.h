// File: tests/e2e/control_client.h
//
// What the control-API end-to-end tests share: running the real `zonectl`
// binary against a server started by ServerProcess (with `control`), and a
// plain HTTP client (cpp-httplib) for the raw API requests that zonectl
// does not make (an API PUT beside `zonectl load`, /metrics as text, a
// request without the token). Nothing here links steerdns code.
//
// Example:
//   e2e::ServerOptions o;
//   o.control = true;
//   ASSERT_TRUE(server.Start(o));
//   e2e::ToolRun r = e2e::Zonectl(server, {"load", "example.com.", zone});
//   EXPECT_TRUE(e2e::Succeeded(r));
//   e2e::HttpReply h = e2e::Http(server, "GET", "/v1/zones");
//
// Only 127.0.0.1 is ever contacted. Every wait is bounded.
// Thread safety: Zonectl() and Http() may run on several threads at once
// (each makes its own process or connection).
#ifndef STEERDNS_TESTS_E2E_CONTROL_CLIENT_H_
#define STEERDNS_TESTS_E2E_CONTROL_CLIENT_H_

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"

namespace e2e {

using json = nlohmann::json;

// $STEER_BINARY_DIR/tools/zonectl.
std::string ZonectlPath();

// One run of zonectl.
struct ToolRun {
  ExitInfo exit;
  std::string out;  // stdout
  std::string err;  // stderr
  std::string command;
  // For failure messages: the command, exit status, stdout and stderr.
  std::string Describe() const;
};

// Runs zonectl with `args` as they are (no --server added).
ToolRun RunZonectl(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Runs `zonectl --server <server's control URL> args...`.
ToolRun Zonectl(const ServerProcess& server, const std::vector<std::string>& args,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Exit status 0, in time, and nothing on stderr.
testing::AssertionResult Succeeded(const ToolRun& r);
// Exit status `code` (any non-zero when `code` < 0), in time, and exactly
// one line on stderr.
testing::AssertionResult FailedWithOneLine(const ToolRun& r, int code = -1);
// stdout parses as JSON; fills *out.
testing::AssertionResult ParsesAsJson(const ToolRun& r, json* out);

// One HTTP exchange with the server's control API.
struct HttpReply {
  int status = 0;  // 0: no response (error says why)
  std::string body;
  std::string content_type;
  json body_json;  // discarded if the body is not JSON
  std::string error;
  std::string Describe() const;
};
HttpReply Http(const ServerProcess& server, const std::string& method,
               const std::string& path, const std::string& body = "",
               const std::string& content_type = "application/json",
               const std::string& bearer_token = "");

// The first object key anywhere in `value` that is not snake_case
// ([a-z0-9_]+), or "" if all are. Keys listed in `except` (and their
// subtrees) are skipped.
std::string NonSnakeKey(const json& value,
                        const std::vector<std::string>& except = {});

// The RFC 3339 UTC form of `t`, whole seconds truncated:
// "2026-11-28T01:02:03Z".
std::string Rfc3339(std::chrono::system_clock::time_point t);

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_CONTROL_CLIENT_H_
