// drain_load: a DNS server's UDP capacity measured while no load generator
// runs, for "N workers scale x" on a machine with no core to spare for the
// generator (bench/drain-scale.sh).
//
// One cycle:
//   1. SIGSTOP the server (every thread), so nothing reads its sockets;
//   2. fill its receive queues: FLOWS connected UDP sockets (distinct source
//      ports, so SO_REUSEPORT spreads them over the workers' sockets) send
//      queries from a dnsperf-style file ("name type" lines) with sendmmsg;
//      the kernel's UDP receive-buffer drops (/proc/net/snmp RcvbufErrors)
//      are subtracted from what was sent;
//   3. SIGCONT the server and sleep, checking only every few milliseconds
//      (SO_MEMINFO) whether replies are still arriving: while the server
//      drains its queues this process uses no CPU;
//   4. read every reply with its kernel receive timestamp (SO_TIMESTAMPNS),
//      check the DNS ID, and take the server's rate from the arrival times of
//      the 5th to the 95th percentile reply: that excludes the wake-up after
//      SIGCONT and the tail where one worker's queue is empty before the
//      other's.
// The server does all its own per-query work (recvmmsg copy, answer,
// sendmmsg, loopback delivery of the reply) on its own cores; the query's
// loopback delivery into the server's queue happened before, during the fill.
//
// Usage: drain_load -p PORT -d FILE -P PID [-s 127.0.0.1] [-f FLOWS] [-n
//        QUERIES] [-c CYCLES] [-E code:hex] [-e]
// Prints one line per cycle and a summary line:
//   drain: median_qps=N min_qps=N max_qps=N replies_per_cycle=N cycles=N
// Loopback only (the address must be 127.0.0.0/8).
#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string server = "127.0.0.1";
  int port = 0;
  std::string file;
  pid_t pid = 0;
  int flows = 256;
  int queries = 60000;  // per cycle, before receive-buffer drops
  int cycles = 15;
  std::string ecs;  // "code:hex" EDNS option, like dnsperf -E
  bool edns = false;
};

pid_t g_server = 0;  // SIGCONT on the way out: never leave the server stopped

[[noreturn]] void Die(const std::string& what) {
  if (g_server > 0) kill(g_server, SIGCONT);
  std::fprintf(stderr, "drain_load: %s\n", what.c_str());
  std::exit(1);
}

int QtypeOf(const std::string& s) {
  static const struct {
    const char* name;
    int type;
  } kTypes[] = {{"A", 1},   {"NS", 2},  {"CNAME", 5}, {"SOA", 6},  {"PTR", 12},
                {"MX", 15}, {"TXT", 16}, {"AAAA", 28}, {"SRV", 33}, {"ANY", 255}};
  for (const auto& t : kTypes)
    if (strcasecmp(s.c_str(), t.name) == 0) return t.type;
  return std::atoi(s.c_str());
}

// Wire form of one query (ID 0, RD set), or empty if the name is not valid.
std::vector<uint8_t> EncodeQuery(const std::string& name, int qtype,
                                 const std::vector<uint8_t>& option, bool edns) {
  std::vector<uint8_t> q = {0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, edns ? uint8_t{1} : uint8_t{0}};
  size_t start = 0;
  while (start < name.size() && name != ".") {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const size_t len = dot - start;
    if (len == 0 || len > 63) return {};
    q.push_back(static_cast<uint8_t>(len));
    q.insert(q.end(), name.begin() + start, name.begin() + dot);
    start = dot + 1;
  }
  q.insert(q.end(), {0, static_cast<uint8_t>(qtype >> 8), static_cast<uint8_t>(qtype), 0, 1});
  if (edns) {  // OPT: root owner, type 41, UDP size 1232, no flags, options
    q.insert(q.end(), {0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, 0, 0,
                       static_cast<uint8_t>(option.size() >> 8),
                       static_cast<uint8_t>(option.size())});
    q.insert(q.end(), option.begin(), option.end());
  }
  return q;
}

std::vector<uint8_t> ParseOption(const std::string& spec) {  // "code:hex"
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) Die("-E wants code:hex");
  const int code = std::atoi(spec.substr(0, colon).c_str());
  const std::string hex = spec.substr(colon + 1);
  std::vector<uint8_t> data;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    data.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  std::vector<uint8_t> opt = {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code),
                              static_cast<uint8_t>(data.size() >> 8),
                              static_cast<uint8_t>(data.size())};
  for (uint8_t b : data) opt.push_back(b);
  return opt;
}

// Udp RcvbufErrors from /proc/net/snmp: datagrams the kernel dropped
// because a socket's receive buffer was full.
uint64_t UdpReceiveBufferErrors() {
  std::ifstream in("/proc/net/snmp");
  std::string line, header;
  while (std::getline(in, line)) {
    if (line.rfind("Udp: ", 0) != 0) continue;
    if (header.empty()) {
      header = line;
      continue;
    }
    std::istringstream names(header), values(line);
    std::string name, value;
    while (names >> name && values >> value)
      if (name == "RcvbufErrors") return std::stoull(value);
  }
  Die("no Udp RcvbufErrors in /proc/net/snmp");
}

// Bytes queued on a socket's receive queue.
uint64_t QueuedBytes(int fd) {
  uint32_t info[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof info;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0) Die("SO_MEMINFO");
  return info[SK_MEMINFO_RMEM_ALLOC];
}

void SleepMs(int ms) {
  const timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

// Waits until /proc/PID/stat says the process is stopped (state T).
void WaitStopped(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    const size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'T') return;
    SleepMs(1);
  }
  Die("server did not stop");
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  int c;
  while ((c = getopt(argc, argv, "s:p:d:P:f:n:c:E:e")) != -1) {
    switch (c) {
      case 's': o.server = optarg; break;
      case 'p': o.port = std::atoi(optarg); break;
      case 'd': o.file = optarg; break;
      case 'P': o.pid = std::atoi(optarg); break;
      case 'f': o.flows = std::atoi(optarg); break;
      case 'n': o.queries = std::atoi(optarg); break;
      case 'c': o.cycles = std::atoi(optarg); break;
      case 'E': o.ecs = optarg; o.edns = true; break;
      case 'e': o.edns = true; break;
      default:
        Die("usage: drain_load -p PORT -d FILE -P PID [-s 127.0.0.1] [-f FLOWS] "
            "[-n QUERIES] [-c CYCLES] [-E code:hex] [-e]");
    }
  }
  if (o.port <= 0 || o.file.empty() || o.pid <= 0 || o.flows < 1 || o.queries < o.flows ||
      o.cycles < 1)
    Die("need -p PORT -d FILE -P PID, FLOWS >= 1, QUERIES >= FLOWS, CYCLES >= 1");
  if (o.server.rfind("127.", 0) != 0) Die("loopback addresses only");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = ParseArgs(argc, argv);
  g_server = opt.pid;
  const std::vector<uint8_t> option = opt.ecs.empty() ? std::vector<uint8_t>{} : ParseOption(opt.ecs);

  std::vector<std::vector<uint8_t>> queries;
  {
    std::ifstream in(opt.file);
    if (!in) Die("cannot read " + opt.file);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string name, type;
      if (!(words >> name >> type) || name[0] == '#') continue;
      auto q = EncodeQuery(name, QtypeOf(type), option, opt.edns);
      if (!q.empty()) queries.push_back(std::move(q));
    }
  }
  if (queries.empty()) Die("no queries in " + opt.file);

  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(opt.port));
  if (inet_pton(AF_INET, opt.server.c_str(), &server.sin_addr) != 1) Die("bad address");

  std::vector<int> fds(opt.flows);
  for (int& fd : fds) {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int big = 256 << 20, one = 1;
    // Root may exceed net.core.rmem_max: every reply of a cycle must fit.
    if (fd < 0 || (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0 &&
                   setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big) != 0) ||
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0 ||
        connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0)
      Die(std::string("socket: ") + std::strerror(errno));
  }

  constexpr int kBatch = 64;
  const int per_flow = opt.queries / opt.flows;
  std::vector<double> rates;
  std::vector<int64_t> arrivals;
  uint64_t reply_total = 0;
  size_t next_query = 0;
  for (int cycle = 1; cycle <= opt.cycles; ++cycle) {
    if (kill(opt.pid, SIGSTOP) != 0) Die("SIGSTOP: " + std::string(std::strerror(errno)));
    WaitStopped(opt.pid);
    const uint64_t drops_before = UdpReceiveBufferErrors();
    // Query IDs: flow f sends IDs 0..per_flow-1; a reply is counted once per ID.
    std::vector<std::vector<uint8_t>> sent_ids(opt.flows, std::vector<uint8_t>(per_flow, 0));
    uint64_t sent = 0;
    for (int f = 0; f < opt.flows; ++f) {
      for (int base = 0; base < per_flow; base += kBatch) {
        const int n = std::min(kBatch, per_flow - base);
        std::vector<std::vector<uint8_t>> wire(n);
        iovec iov[kBatch];
        mmsghdr msgs[kBatch] = {};
        for (int i = 0; i < n; ++i) {
          wire[i] = queries[next_query++ % queries.size()];
          wire[i][0] = static_cast<uint8_t>((base + i) >> 8);
          wire[i][1] = static_cast<uint8_t>(base + i);
          iov[i] = {wire[i].data(), wire[i].size()};
          msgs[i].msg_hdr.msg_iov = &iov[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int done = 0;
        while (done < n) {
          const int r = sendmmsg(fds[f], msgs + done, n - done, 0);
          if (r > 0) {
            done += r;
          } else if (r < 0 && errno == EINTR) {
            continue;
          } else {
            Die(std::string("sendmmsg: ") + std::strerror(errno));
          }
        }
        sent += n;
      }
    }
    const uint64_t dropped = UdpReceiveBufferErrors() - drops_before;
    const uint64_t queued = sent > dropped ? sent - dropped : 0;

    if (kill(opt.pid, SIGCONT) != 0) Die("SIGCONT: " + std::string(std::strerror(errno)));
    // Sleep until the replies stop growing for 3 checks in a row (at most 20 s).
    uint64_t last = 0;
    for (int still = 0, i = 0; still < 3 && i < 4000; ++i) {
      SleepMs(5);
      uint64_t now = 0;
      for (int fd : fds) now += QueuedBytes(fd);
      still = now == last ? still + 1 : 0;
      last = now;
    }

    arrivals.clear();
    uint64_t replies = 0, bad = 0;
    for (int f = 0; f < opt.flows; ++f) {
      for (;;) {
        uint8_t buf[1500];
        alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(timespec))];
        iovec iov{buf, sizeof buf};
        msghdr h{};
        h.msg_iov = &iov;
        h.msg_iovlen = 1;
        h.msg_control = control;
        h.msg_controllen = sizeof control;
        const ssize_t len = recvmsg(fds[f], &h, MSG_DONTWAIT);
        if (len < 0) break;
        const int id = len >= 12 ? (buf[0] << 8 | buf[1]) : -1;
        if (id < 0 || id >= per_flow || (buf[2] & 0x80) == 0 || sent_ids[f][id] != 0) {
          ++bad;
          continue;
        }
        sent_ids[f][id] = 1;
        ++replies;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            arrivals.push_back(int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec);
          }
        }
      }
    }
    std::sort(arrivals.begin(), arrivals.end());
    double qps = 0;
    if (arrivals.size() >= 100) {
      const size_t lo = arrivals.size() / 20, hi = arrivals.size() - 1 - arrivals.size() / 20;
      const double secs = (arrivals[hi] - arrivals[lo]) / 1e9;
      if (secs > 0) qps = (hi - lo) / secs;
    }
    std::printf("cycle %d: sent %llu, dropped at the server's queue %llu, replies %llu (bad %llu), "
                "%.0f qps (5th-95th percentile reply)\n",
                cycle, static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(replies),
                static_cast<unsigned long long>(bad), qps);
    std::fflush(stdout);
    if (replies + 1000 < queued) {
      std::fprintf(stderr, "drain_load: cycle %d: %llu queued, only %llu replies\n", cycle,
                   static_cast<unsigned long long>(queued),
                   static_cast<unsigned long long>(replies));
    }
    if (qps > 0) rates.push_back(qps);
    reply_total += replies;
  }
  if (rates.empty()) Die("no cycle produced a rate");
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  std::printf("drain: median_qps=%.0f min_qps=%.0f max_qps=%.0f replies_per_cycle=%llu cycles=%zu\n",
              sorted[sorted.size() / 2], sorted.front(), sorted.back(),
              static_cast<unsigned long long>(reply_total / opt.cycles), rates.size());
  return 0;
}
