// File: tests/e2e/server_process.h
//
// Runs the real `steerdns` binary for end-to-end tests: picks a free
// loopback port, starts the server with the given flags, captures its
// stderr in a temporary file, waits (bounded) until it answers an SOA query
// over UDP and accepts TCP connections, and stops it with SIGTERM, checking
// that it exits 0 in bounded time (SIGKILL is the last resort).
//
// The binary is $STEER_BINARY_DIR/tools/steerdns (ctest sets the variable;
// see tests/CMakeLists.txt), the bundled zones are in
// $STEER_SOURCE_DIR/examples/. Both fall back to the build-time paths.
//
// Example:
//   e2e::ServerProcess server;
//   ASSERT_TRUE(server.Start(e2e::ServerOptions::ExampleZones()));
//   ... query 127.0.0.1:server.port() ...
//   EXPECT_TRUE(server.Stop());   // SIGTERM → exit status 0
//
// Thread safety: none; use from the test's main thread.
#ifndef STEERDNS_TESTS_E2E_SERVER_PROCESS_H_
#define STEERDNS_TESTS_E2E_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace e2e {

// Path of the server binary under test.
std::string BinaryPath();
// Path of a file in the source tree's examples/ folder.
std::string ExamplePath(const std::string& file);
// A fresh, empty temporary directory (removed by nobody: it is small and
// lives under $TMPDIR or /tmp).
std::string MakeTempDir();
// Writes `text` to `path`; false on error.
bool WriteFile(const std::string& path, const std::string& text);
// Whole file, or "" if unreadable.
std::string ReadFile(const std::string& path);

// True if a socket can be bound to [::1].
bool Ipv6LoopbackAvailable();

// A port that is free for both UDP and TCP on 127.0.0.1 (and on ::1 too
// when `also_v6`): bound to port 0, read back, released. Another process
// can still take it before the server binds it; ServerProcess::Start
// retries with a new port in that case. 0 if none was found.
uint16_t PickFreePort(bool also_v6 = false);

struct ServerOptions {
  // "ORIGIN=PATH" values for --zone.
  std::vector<std::string> zones;
  // Also listen on [::1]:port (same port as 127.0.0.1).
  bool ipv6 = false;
  // Value for --threads; 0 leaves the flag out.
  int threads = 2;
  // Any further flags, appended as they are.
  std::vector<std::string> extra_args;
  // The zone whose SOA is asked to tell the server is up; "" = the origin
  // of the first --zone.
  std::string ready_origin;
  // Serve the control API on 127.0.0.1:<a free port> (control_port()); the
  // server counts as up once that port accepts connections too. Without
  // it, and unless extra_args give --control, the server gets
  // "--control off", so that tests running side by side do not fight over
  // the default port 8053.
  bool control = false;

  // example.com. from examples/ (and sub.example.com. too if `with_child`).
  static ServerOptions ExampleZones(bool with_child = false);
};

// How a process ended.
struct ExitInfo {
  bool exited_in_time = false;  // ended by itself before the deadline
  bool exited = false;          // WIFEXITED
  int exit_code = -1;           // WEXITSTATUS when `exited`
  int signal = 0;               // WTERMSIG when signalled
  std::string Describe() const;
};

class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // Kills the server (SIGKILL) if it still runs.
  ~ServerProcess();

  // Starts the server on a free port and waits until it answers (UDP SOA
  // query, then a TCP connect; together bounded by ~10 s). Retries a few
  // times with a new port if the server dies before answering (a port race).
  // On failure the result explains why and carries the server's stderr.
  testing::AssertionResult Start(const ServerOptions& options);

  // Sends `signo` (SIGTERM or SIGINT), then waits up to `timeout` for exit
  // status 0. Falls back to SIGKILL. Success only for a clean exit(0) in
  // time.
  testing::AssertionResult Stop(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
      int signo = 15 /* SIGTERM */);

  // Still running (not exited, not reaped)?
  bool IsRunning();

  uint16_t port() const { return port_; }
  // The control API's port when started with `control` (else 0), and its
  // URL ("http://127.0.0.1:PORT").
  uint16_t control_port() const { return control_port_; }
  std::string control_url() const {
    return "http://127.0.0.1:" + std::to_string(control_port_);
  }
  pid_t pid() const { return pid_; }
  // The flags the server was started with (for messages).
  const std::vector<std::string>& args() const { return args_; }
  // Everything the server wrote to stderr (and stdout) so far.
  std::string Log() const;

 private:
  // One attempt on `port`; true when the server answers. *died is set if
  // the process exited before answering.
  bool TryStart(const ServerOptions& options, uint16_t port, bool* died,
                std::string* why);
  void KillHard();

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t control_port_ = 0;
  std::string log_path_;
  std::vector<std::string> args_;
  std::optional<ExitInfo> exit_;
};

// Runs the binary with `args` (not including the program name) to
// completion, bounded by `timeout`: if it still runs at the deadline it is
// killed with SIGKILL and exited_in_time is false. For --help and start-up
// failures. *output gets stderr followed by stdout; *stderr_only (if not
// null) gets stderr alone.
ExitInfo RunBinary(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout, std::string* output,
                   std::string* stderr_only = nullptr);

// Same for any program: argv[0] is its path (e.g. /usr/bin/dig).
ExitInfo RunProgram(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout, std::string* output,
                    std::string* stderr_only = nullptr);

// Runs argv like RunProgram and expects it to exit 0 in time (else a test
// failure naming argv[0], with what it printed); returns its output. For
// client tools such as dig and kdig.
std::string RunTool(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout);

// The lines of a tool's output, each with runs of blanks collapsed to one
// space ("www.example.com. 3600 IN A 192.0.2.10").
std::vector<std::string> Lines(const std::string& text);
// Whether `text` has a line equal to `wanted` (blanks collapsed as in Lines).
bool HasLine(const std::string& text, const std::string& wanted);

// Starts argv (argv[0] a path) in the background with stdout and stderr
// going to the file `log_path`; returns its pid (-1 if fork failed). For
// servers that ServerProcess cannot start, e.g. inside a network namespace
// (`ip netns exec NS steerdns ...`). Stop it with StopProcess().
pid_t SpawnWithLog(const std::vector<std::string>& argv, const std::string& log_path);
// SIGTERM, up to 5 s for it to exit, then SIGKILL; reaps it. No-op for -1.
void StopProcess(pid_t pid);
// True while `pid` (a child of ours) has not exited.
bool ProcessRunning(pid_t pid);

// `ip ARGS...` (iproute2, found in /usr/sbin or /sbin), bounded to 10 s;
// true if it exited 0. *output gets its stderr and stdout.
bool RunIp(const std::vector<std::string>& args, std::string* output);
// Path of `ip`, or "" if iproute2 is not installed.
std::string IpPath();

// The network namespaces a test made (`ip netns add`); deleted again, with
// whatever was moved into them, when this goes out of scope (after the
// fixture's TearDown).
class Netns {
 public:
  // Adds namespace `name`; false (and why in *why) if `ip` fails.
  bool Add(const std::string& name, std::string* why);

  Netns() = default;
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

 private:
  std::vector<std::string> names_;
};

// Why an AF_XDP end-to-end test cannot run here ("" if it can): not root,
// no `ip`, no dig, or a steerdns built without AF_XDP. For GTEST_SKIP.
std::string XdpTestUnavailable();

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_SERVER_PROCESS_H_
