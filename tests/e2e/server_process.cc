// File: tests/e2e/server_process.cc
#include "tests/e2e/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/dns_client.h"

#ifndef STEER_E2E_DEFAULT_BINARY_DIR
#define STEER_E2E_DEFAULT_BINARY_DIR "."
#endif
#ifndef STEER_E2E_DEFAULT_SOURCE_DIR
#define STEER_E2E_DEFAULT_SOURCE_DIR "."
#endif

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long the server gets to answer its first query after exec. Zone
// loading of the bundled zones takes milliseconds, the default latency
// table about a second on a quiet machine; the margin is for a loaded CI
// machine (10 s was seen there).
constexpr milliseconds kReadyTimeout{30000};
// Attempts with a fresh port when the server dies before answering (another
// process took the port between PickFreePort and the server's bind).
constexpr int kStartAttempts = 3;

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : std::string(fallback);
}

std::string TempRoot() { return EnvOr("TMPDIR", "/tmp"); }

// Binds a socket of `type` to `addr`:`port` (port may be 0). Returns the fd
// (caller closes) or -1; *bound gets the bound port.
int BindLoopback(int family, int type, uint16_t port, uint16_t* bound) {
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (family == AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  sockaddr_storage ss;
  const socklen_t len = LoopbackAddress(Endpoint{family, port}, &ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd);
    return -1;
  }
  if (bound != nullptr) {
    socklen_t l = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &l);
    *bound = ntohs(family == AF_INET
                       ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                       : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  return fd;
}

// A minimal SOA query for `origin` ("example.com." or "."), ID `id`, no RD.
std::string SoaQuery(const std::string& origin, uint16_t id) {
  std::string q;
  q.push_back(static_cast<char>(id >> 8));
  q.push_back(static_cast<char>(id & 0xff));
  q.append("\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);
  size_t start = 0;
  while (start < origin.size()) {
    size_t dot = origin.find('.', start);
    if (dot == std::string::npos) dot = origin.size();
    if (dot > start) {
      q.push_back(static_cast<char>(dot - start));
      q.append(origin, start, dot - start);
    }
    start = dot + 1;
  }
  q.push_back('\0');
  q.append("\x00\x06\x00\x01", 4);  // SOA IN
  return q;
}

// One UDP SOA probe to [addr]:port; true on a reply with our ID and QR=1.
bool ProbeUdp(int family, uint16_t port, const std::string& origin,
              milliseconds wait) {
  int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_storage ss;
  const socklen_t len = LoopbackAddress(Endpoint{family, port}, &ss);
  bool ok = false;
  static uint16_t next_id = 0x5100;
  const uint16_t id = ++next_id;
  const std::string q = SoaQuery(origin, id);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 &&
      send(fd, q.data(), q.size(), 0) == static_cast<ssize_t>(q.size())) {
    const auto deadline = Clock::now() + wait;
    while (!ok && Clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                           Clock::now());
      if (poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) break;
      uint8_t buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 0) break;  // ECONNREFUSED: nobody listens yet
      if (n >= 12 && buf[0] == (id >> 8) && buf[1] == (id & 0xff) &&
          (buf[2] & 0x80) != 0) {
        ok = true;
      }
    }
  }
  close(fd);
  return ok;
}

// True if a TCP connection to [addr]:port is accepted within `wait`.
bool ProbeTcp(int family, uint16_t port, milliseconds wait) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_storage ss;
  const socklen_t len = LoopbackAddress(Endpoint{family, port}, &ss);
  bool ok = false;
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  if (rc == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) == 1) {
      int err = 0;
      socklen_t el = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
      ok = (err == 0);
    }
  }
  close(fd);
  return ok;
}

ExitInfo FromStatus(int status, bool in_time) {
  ExitInfo info;
  info.exited_in_time = in_time;
  if (WIFEXITED(status)) {
    info.exited = true;
    info.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.signal = WTERMSIG(status);
  }
  return info;
}

// Waits for `pid` up to `timeout`; nullopt if it is still running.
std::optional<ExitInfo> WaitFor(pid_t pid, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return FromStatus(status, true);
    if (r < 0 && errno != EINTR) {
      ExitInfo gone;  // not our child any more (already reaped)
      return gone;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

// fork + exec with stdout into `out_path` and stderr into `err_path` (the
// same file if equal), stdin from /dev/null. The child dies with the test
// process (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
pid_t Spawn(const std::vector<std::string>& argv_strings,
            const std::string& out_path, const std::string& err_path) {
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (const auto& a : argv_strings) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const bool same = (out_path == err_path);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;  // parent (or -1)
  // Child: async-signal-safe calls only.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
  int out = open(out_path.c_str(), flags, 0600);
  int err = same ? out : open(err_path.c_str(), flags, 0600);
  int null = open("/dev/null", O_RDONLY);
  if (out < 0 || err < 0 || null < 0) _exit(125);
  dup2(null, 0);
  dup2(out, 1);
  dup2(err, 2);
  execv(argv[0], argv.data());
  const char msg[] = "e2e harness: execv failed\n";
  ssize_t ignored = write(2, msg, sizeof msg - 1);
  (void)ignored;
  _exit(127);
}

std::string NewLogPath() {
  std::string tmpl = TempRoot() + "/steerdns-e2e-log-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd >= 0) close(fd);
  return tmpl;
}

}  // namespace

std::string BinaryPath() {
  return EnvOr("STEER_BINARY_DIR", STEER_E2E_DEFAULT_BINARY_DIR) +
         "/tools/steerdns";
}

std::string ExamplePath(const std::string& file) {
  return EnvOr("STEER_SOURCE_DIR", STEER_E2E_DEFAULT_SOURCE_DIR) +
         "/examples/" + file;
}

std::string MakeTempDir() {
  std::string tmpl = TempRoot() + "/steerdns-e2e-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return "";
  return tmpl;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Ipv6LoopbackAvailable() {
  int fd = BindLoopback(AF_INET6, SOCK_DGRAM, 0, nullptr);
  if (fd < 0) return false;
  close(fd);
  return true;
}

uint16_t PickFreePort(bool also_v6) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    uint16_t port = 0;
    int udp = BindLoopback(AF_INET, SOCK_DGRAM, 0, &port);
    if (udp < 0) continue;
    int tcp = BindLoopback(AF_INET, SOCK_STREAM, port, nullptr);
    int udp6 = -1, tcp6 = -1;
    if (also_v6 && tcp >= 0) {
      udp6 = BindLoopback(AF_INET6, SOCK_DGRAM, port, nullptr);
      if (udp6 >= 0) tcp6 = BindLoopback(AF_INET6, SOCK_STREAM, port, nullptr);
    }
    const bool ok = tcp >= 0 && (!also_v6 || (udp6 >= 0 && tcp6 >= 0));
    for (int fd : {udp, tcp, udp6, tcp6}) {
      if (fd >= 0) close(fd);
    }
    if (ok) return port;
  }
  return 0;
}

ServerOptions ServerOptions::ExampleZones(bool with_child) {
  ServerOptions o;
  o.zones.push_back("example.com.=" + ExamplePath("example.com.zone"));
  if (with_child) {
    o.zones.push_back("sub.example.com.=" + ExamplePath("sub.example.com.zone"));
  }
  return o;
}

std::string ExitInfo::Describe() const {
  std::ostringstream s;
  if (!exited_in_time) s << "did not exit in time; ";
  if (exited) {
    s << "exit code " << exit_code;
  } else if (signal != 0) {
    s << "killed by signal " << signal << " (" << strsignal(signal) << ")";
  } else {
    s << "no exit status";
  }
  return s.str();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_.has_value()) KillHard();
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

void ServerProcess::KillHard() {
  if (pid_ <= 0 || exit_.has_value()) return;
  kill(pid_, SIGKILL);
  auto info = WaitFor(pid_, milliseconds(5000));
  exit_ = info.value_or(ExitInfo{});
  exit_->exited_in_time = false;
}

bool ServerProcess::IsRunning() {
  if (pid_ <= 0 || exit_.has_value()) return false;
  auto info = WaitFor(pid_, milliseconds(0));
  if (info.has_value()) {
    exit_ = info;
    return false;
  }
  return true;
}

std::string ServerProcess::Log() const {
  return log_path_.empty() ? std::string() : ReadFile(log_path_);
}

bool ServerProcess::TryStart(const ServerOptions& options, uint16_t port,
                             bool* died, std::string* why) {
  *died = false;
  args_.clear();
  args_.push_back(BinaryPath());
  args_.push_back("--listen");
  args_.push_back("127.0.0.1:" + std::to_string(port));
  if (options.ipv6) {
    args_.push_back("--listen");
    args_.push_back("[::1]:" + std::to_string(port));
  }
  for (const auto& z : options.zones) {
    args_.push_back("--zone");
    args_.push_back(z);
  }
  if (options.threads > 0) {
    args_.push_back("--threads");
    args_.push_back(std::to_string(options.threads));
  }
  for (const auto& a : options.extra_args) args_.push_back(a);
  control_port_ = 0;
  if (options.control) {
    for (int i = 0; i < 5 && (control_port_ == 0 || control_port_ == port); ++i) {
      control_port_ = PickFreePort();
    }
    if (control_port_ == 0 || control_port_ == port) {
      *why = "no free loopback port found for the control API";
      return false;
    }
    args_.push_back("--control");
    args_.push_back("127.0.0.1:" + std::to_string(control_port_));
  } else {
    bool has_control = false;
    for (const auto& a : options.extra_args) {
      has_control |= a == "--control" || a.rfind("--control=", 0) == 0;
    }
    if (!has_control) {
      args_.push_back("--control");
      args_.push_back("off");
    }
  }

  if (!log_path_.empty()) unlink(log_path_.c_str());
  log_path_ = NewLogPath();
  exit_.reset();
  port_ = port;
  pid_ = Spawn(args_, log_path_, log_path_);
  if (pid_ < 0) {
    *why = std::string("fork failed: ") + strerror(errno);
    return false;
  }

  std::string origin = options.ready_origin;
  if (origin.empty() && !options.zones.empty()) {
    origin = options.zones.front().substr(0, options.zones.front().find('='));
  }
  if (origin.empty()) origin = ".";

  const auto deadline = Clock::now() + kReadyTimeout;
  bool udp4 = false, tcp4 = false, udp6 = !options.ipv6, tcp6 = !options.ipv6;
  bool control = !options.control;
  while (Clock::now() < deadline) {
    if (!IsRunning()) {
      *died = true;
      *why = "server exited before answering: " + exit_->Describe();
      return false;
    }
    if (!udp4) udp4 = ProbeUdp(AF_INET, port, origin, milliseconds(100));
    if (udp4 && !tcp4) tcp4 = ProbeTcp(AF_INET, port, milliseconds(100));
    if (!udp6) udp6 = ProbeUdp(AF_INET6, port, origin, milliseconds(100));
    if (udp6 && !tcp6) tcp6 = ProbeTcp(AF_INET6, port, milliseconds(100));
    // The control API is ready when the server says it bound it: a probe
    // of the port could reach another process that took it meanwhile
    // (the server then exits, and the next attempt takes a fresh port).
    if (!control && udp4) {
      control = Log().find("control API on http://127.0.0.1:" +
                           std::to_string(control_port_)) != std::string::npos;
    }
    if (udp4 && tcp4 && udp6 && tcp6 && control) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  *why = "server did not answer an SOA query for " + origin +
         " (UDP v4 " + (udp4 ? "ok" : "no") + ", TCP v4 " +
         (tcp4 ? "ok" : "no") + (options.ipv6 ? std::string(", UDP v6 ") +
                                                    (udp6 ? "ok" : "no") +
                                                    ", TCP v6 " +
                                                    (tcp6 ? "ok" : "no")
                                              : std::string()) +
         (options.control ? std::string(", control API ") + (control ? "ok" : "no")
                          : std::string()) +
         ") within " + std::to_string(kReadyTimeout.count()) + " ms";
  return false;
}

testing::AssertionResult ServerProcess::Start(const ServerOptions& options) {
  if (access(BinaryPath().c_str(), X_OK) != 0) {
    return testing::AssertionFailure()
           << "server binary " << BinaryPath() << " is missing ("
           << strerror(errno) << "); build the `steerdns` target";
  }
  std::string why;
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    const uint16_t port = PickFreePort(options.ipv6);
    if (port == 0) {
      why = "no free loopback port found";
      continue;
    }
    bool died = false;
    if (TryStart(options, port, &died, &why)) {
      return testing::AssertionSuccess();
    }
    if (!died) break;  // hung: retrying will not help
  }
  std::string cmd;
  for (const auto& a : args_) cmd += a + " ";
  std::string log = Log();
  KillHard();
  return testing::AssertionFailure()
         << why << "\ncommand: " << cmd << "\nserver output:\n" << log;
}

testing::AssertionResult ServerProcess::Stop(milliseconds timeout, int signo) {
  if (pid_ <= 0) return testing::AssertionFailure() << "server never started";
  if (!IsRunning()) {
    return testing::AssertionFailure()
           << "server was no longer running when asked to stop: "
           << exit_->Describe() << "\nserver output:\n" << Log();
  }
  kill(pid_, signo);
  auto info = WaitFor(pid_, timeout);
  if (!info.has_value()) {
    KillHard();
    return testing::AssertionFailure()
           << "server did not exit within " << timeout.count()
           << " ms of signal " << signo
           << " (killed with SIGKILL)\nserver output:\n"
           << Log();
  }
  exit_ = info;
  if (!exit_->exited || exit_->exit_code != 0) {
    return testing::AssertionFailure()
           << "server did not exit cleanly after signal " << signo << ": "
           << exit_->Describe() << "\nserver output:\n" << Log();
  }
  return testing::AssertionSuccess();
}

ExitInfo RunBinary(const std::vector<std::string>& args, milliseconds timeout,
                   std::string* output, std::string* stderr_only) {
  std::vector<std::string> argv;
  argv.push_back(BinaryPath());
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, timeout, output, stderr_only);
}

ExitInfo RunProgram(const std::vector<std::string>& argv, milliseconds timeout,
                    std::string* output, std::string* stderr_only) {
  const std::string out_log = NewLogPath();
  const std::string err_log = NewLogPath();
  pid_t pid = Spawn(argv, out_log, err_log);
  ExitInfo info;
  if (pid > 0) {
    auto r = WaitFor(pid, timeout);
    if (r.has_value()) {
      info = *r;
    } else {
      kill(pid, SIGKILL);
      info = WaitFor(pid, milliseconds(5000)).value_or(ExitInfo{});
      info.exited_in_time = false;
    }
  }
  const std::string out = ReadFile(out_log);
  const std::string err = ReadFile(err_log);
  if (output != nullptr) *output = err + out;
  if (stderr_only != nullptr) *stderr_only = err;
  unlink(out_log.c_str());
  unlink(err_log.c_str());
  return info;
}

std::string RunTool(const std::vector<std::string>& argv, milliseconds timeout) {
  std::string output;
  const ExitInfo info = RunProgram(argv, timeout, &output);
  EXPECT_TRUE(info.exited_in_time && info.exited && info.exit_code == 0)
      << argv[0] << ": " << info.Describe() << "\n" << output;
  return output;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w, joined;
    while (words >> w) joined += (joined.empty() ? "" : " ") + w;
    out.push_back(joined);
  }
  return out;
}

bool HasLine(const std::string& text, const std::string& wanted) {
  const std::vector<std::string> lines = Lines(text);
  return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

pid_t SpawnWithLog(const std::vector<std::string>& argv, const std::string& log_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void StopProcess(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

bool ProcessRunning(pid_t pid) { return pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0; }

std::string IpPath() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string XdpTestUnavailable() {
  if (geteuid() != 0) return "needs root (network namespaces, XDP)";
  if (IpPath().empty()) return "iproute2 (ip) not installed";
  if (access("/usr/bin/dig", X_OK) != 0) return "dig is not installed";
  std::string help;
  RunProgram({BinaryPath(), "--help"}, std::chrono::milliseconds(10000), &help);
  if (help.find("--xdp") == std::string::npos)
    return BinaryPath() + " was built without AF_XDP (libxdp)";
  return "";
}

bool RunIp(const std::vector<std::string>& args, std::string* output) {
  std::vector<std::string> argv = {IpPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  if (argv[0].empty()) {
    *output = "iproute2 (ip) is not installed";
    return false;
  }
  const ExitInfo info = RunProgram(argv, std::chrono::milliseconds(10000), output);
  return info.exited_in_time && info.exited && info.exit_code == 0;
}

Netns::~Netns() {
  std::string why;
  for (const std::string& name : names_) RunIp({"netns", "del", name}, &why);
}

bool Netns::Add(const std::string& name, std::string* why) {
  if (!RunIp({"netns", "add", name}, why)) return false;
  names_.push_back(name);
  return true;
}

}  // namespace e2e
