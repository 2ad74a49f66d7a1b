// File: tests/e2e/peer_server.cc
#include "tests/e2e/peer_server.h"

#include <signal.h>
#include <unistd.h>

#include <thread>

#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"

namespace e2e {

const char* PeerName(PeerKind kind) {
  switch (kind) {
    case PeerKind::kNsd: return "nsd";
    case PeerKind::kKnot: return "knotd";
    case PeerKind::kBind: return "named";
  }
  return "?";
}

std::string PeerPath(PeerKind kind) {
  const std::string name = PeerName(kind);
  for (const std::string dir : {"/usr/sbin/", "/usr/local/sbin/", "/usr/bin/"}) {
    if (access((dir + name).c_str(), X_OK) == 0) return dir + name;
  }
  return "";
}

testing::AssertionResult PeerServer::Start(const PeerOptions& options) {
  options_ = options;
  const std::string binary = PeerPath(options.kind);
  if (binary.empty()) return testing::AssertionFailure() << PeerName(options.kind) << " is not installed";
  const std::string name = PeerName(options.kind);
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = options.port != 0 ? options.port : PickFreePort();
    if (port_ == 0) return testing::AssertionFailure() << "no free port";
    const std::string conf_path = options.dir + "/" + name + ".conf";
    if (!WriteFile(conf_path, options.config(port_)))
      return testing::AssertionFailure() << "cannot write " << conf_path;
    std::vector<std::string> argv;
    switch (options.kind) {
      case PeerKind::kNsd: argv = {binary, "-d", "-c", conf_path}; break;
      case PeerKind::kKnot: argv = {binary, "-c", conf_path}; break;
      case PeerKind::kBind: argv = {binary, "-g", "-c", conf_path}; break;
    }
    log_path_ = options.dir + "/" + name + ".log";
    pid_ = SpawnWithLog(argv, log_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline && ProcessRunning(pid_)) {
      const Bytes q = MakeQuery(options.ready_origin, LDNS_RR_TYPE_SOA);
      if (UdpExchange(Endpoint::V4(port_), q, std::chrono::milliseconds(200)).has_value())
        return testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    why = Log();
    Stop();
    if (options.port != 0) break;  // a fixed port: another try will not help
  }
  return testing::AssertionFailure() << name << " did not start; its log:\n" << why;
}

void PeerServer::Stop() {
  if (pid_ <= 0) return;
  StopProcess(pid_);
  pid_ = -1;
}

void PeerServer::Reload() {
  if (pid_ > 0) kill(pid_, SIGHUP);
}

std::string PeerServer::Log() const { return log_path_.empty() ? "" : ReadFile(log_path_); }

std::optional<uint32_t> SoaSerial(uint16_t port, const std::string& origin) {
  const Bytes q = MakeQuery(origin, LDNS_RR_TYPE_SOA);
  std::optional<Bytes> wire = UdpExchange(Endpoint::V4(port), q, std::chrono::milliseconds(500));
  if (!wire.has_value()) wire = TcpExchange(Endpoint::V4(port), q);
  if (!wire.has_value()) return std::nullopt;
  std::string error;
  std::optional<Reply> r = Reply::Parse(*wire, &error);
  if (!r.has_value() || r->rcode() != 0) return std::nullopt;
  ldns_rr_list* answer = r->answer();
  for (size_t i = 0; answer != nullptr && i < ldns_rr_list_rr_count(answer); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(rr) < 3) continue;
    return ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
  }
  return std::nullopt;
}

std::optional<uint32_t> WaitForSerial(uint16_t port, const std::string& origin, uint32_t serial,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<uint32_t> seen;
  for (;;) {
    seen = SoaSerial(port, origin);
    if (seen == serial || std::chrono::steady_clock::now() >= deadline) return seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<std::string> AddressesOf(uint16_t port, const std::string& name) {
  std::vector<std::string> out;
  const Bytes q = MakeQuery(name, LDNS_RR_TYPE_A);
  std::optional<Bytes> wire = UdpExchange(Endpoint::V4(port), q, std::chrono::milliseconds(500));
  if (!wire.has_value()) return out;
  std::string error;
  std::optional<Reply> r = Reply::Parse(*wire, &error);
  if (!r.has_value()) return out;
  ldns_rr_list* answer = r->answer();
  for (size_t i = 0; answer != nullptr && i < ldns_rr_list_rr_count(answer); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A) continue;
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    if (text != nullptr) out.push_back(text);
    free(text);
  }
  return out;
}

}  // namespace e2e
