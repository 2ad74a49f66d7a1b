// File: tests/e2e/dns_client.cc
#include "tests/e2e/dns_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <sstream>

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Octets of the first question (name + type + class) starting at offset 12,
// or 0 if it does not fit. Names here are uncompressed.
size_t QuestionLength(const Bytes& m) {
  size_t i = 12;
  while (i < m.size()) {
    uint8_t len = m[i];
    if (len == 0) {
      i += 1;
      return i + 4 <= m.size() ? i + 4 - 12 : 0;
    }
    if ((len & 0xc0) != 0) return 0;
    i += 1 + len;
  }
  return 0;
}

std::string Hex(const Bytes& b, size_t from, size_t n) {
  std::ostringstream s;
  static const char* kDigits = "0123456789abcdef";
  for (size_t i = from; i < from + n && i < b.size(); ++i) {
    s << kDigits[b[i] >> 4] << kDigits[b[i] & 15];
  }
  return s.str();
}

void AresInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

}  // namespace

socklen_t LoopbackAddress(const Endpoint& ep, sockaddr_storage* ss) {
  std::memset(ss, 0, sizeof *ss);
  if (ep.family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(ep.port);
    sin6->sin6_addr = in6addr_loopback;
    return sizeof(sockaddr_in6);
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(ss);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(ep.port);
  sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof(sockaddr_in);
}

std::string Endpoint::ToString() const {
  return (family == AF_INET6 ? "[::1]:" : "127.0.0.1:") + std::to_string(port);
}

// ---------------------------------------------------------------------------
// UDP

UdpSocket::UdpSocket(const Endpoint& endpoint) {
  fd_ = socket(endpoint.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_storage ss;
  socklen_t len = LoopbackAddress(endpoint, &ss);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) close(fd_);
}

bool UdpSocket::Send(const Bytes& datagram) {
  if (fd_ < 0) return false;
  ssize_t n = send(fd_, datagram.data(), datagram.size(), MSG_NOSIGNAL);
  return n == static_cast<ssize_t>(datagram.size());
}

std::optional<Bytes> UdpSocket::Receive(milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  for (int round = 0; round < 1000; ++round) {
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, MillisLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    Bytes buf(65536);
    ssize_t n = recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      // ECONNREFUSED from an earlier datagram's ICMP error: keep waiting.
      if (errno == ECONNREFUSED || errno == EAGAIN || errno == EINTR) {
        if (Clock::now() >= deadline) return std::nullopt;
        continue;
      }
      return std::nullopt;
    }
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
  return std::nullopt;
}

std::optional<Bytes> UdpSocket::ReceiveId(uint16_t id, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (int round = 0; round < 10000; ++round) {
    auto m = Receive(milliseconds(MillisLeft(deadline)));
    if (!m.has_value()) return std::nullopt;
    if (m->size() >= 2 && IdOf(*m) == id) return m;
  }
  return std::nullopt;
}

std::optional<Bytes> UdpExchange(const Endpoint& endpoint, const Bytes& query,
                                 milliseconds timeout) {
  UdpSocket s(endpoint);
  if (!s.ok() || !s.Send(query)) return std::nullopt;
  return s.ReceiveId(IdOf(query), timeout);
}

// ---------------------------------------------------------------------------
// TCP

TcpConnection::~TcpConnection() { Close(); }

void TcpConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool TcpConnection::Connect(const Endpoint& endpoint, milliseconds timeout) {
  Close();
  fd_ = socket(endpoint.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return false;
  sockaddr_storage ss;
  socklen_t len = LoopbackAddress(endpoint, &ss);
  int rc = connect(fd_, reinterpret_cast<sockaddr*>(&ss), len);
  if (rc != 0 && errno != EINPROGRESS) {
    Close();
    return false;
  }
  if (rc != 0) {
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
      Close();
      return false;
    }
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) {
      Close();
      return false;
    }
  }
  return true;
}

bool TcpConnection::SendRaw(const Bytes& bytes, milliseconds timeout) {
  if (fd_ < 0) return false;
  const auto deadline = Clock::now() + timeout;
  size_t off = 0;
  for (int round = 0; off < bytes.size() && round < 100000; ++round) {
    ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, MillisLeft(deadline)) <= 0) return false;
      continue;
    }
    return false;
  }
  return off == bytes.size();
}

Bytes Frame(const Bytes& message) {
  Bytes out;
  out.reserve(message.size() + 2);
  out.push_back(static_cast<uint8_t>(message.size() >> 8));
  out.push_back(static_cast<uint8_t>(message.size() & 0xff));
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

bool TcpConnection::SendFramed(const Bytes& message, milliseconds timeout) {
  return SendRaw(Frame(message), timeout);
}

bool TcpConnection::ReadExactly(uint8_t* out, size_t n,
                                Clock::time_point deadline) {
  size_t got = 0;
  for (int round = 0; got < n && round < 100000; ++round) {
    ssize_t r = recv(fd_, out + got, n - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    if (r == 0) return false;  // EOF
    if (errno == EAGAIN || errno == EINTR) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, MillisLeft(deadline)) <= 0) return false;
      continue;
    }
    return false;
  }
  return got == n;
}

std::optional<Bytes> TcpConnection::ReadFramed(milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  uint8_t len[2];
  if (!ReadExactly(len, 2, deadline)) return std::nullopt;
  Bytes m(static_cast<size_t>(len[0] << 8 | len[1]));
  if (!m.empty() && !ReadExactly(m.data(), m.size(), deadline)) {
    return std::nullopt;
  }
  return m;
}

bool TcpConnection::WaitForClose(milliseconds timeout) {
  if (fd_ < 0) return true;
  const auto deadline = Clock::now() + timeout;
  for (int round = 0; round < 100000; ++round) {
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, MillisLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    uint8_t buf[512];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
    // Data (e.g. a FORMERR reply): keep reading until the close.
  }
  return false;
}

std::optional<Bytes> TcpExchange(const Endpoint& endpoint, const Bytes& query,
                                 milliseconds timeout) {
  TcpConnection c;
  if (!c.Connect(endpoint, timeout) || !c.SendFramed(query, timeout)) {
    return std::nullopt;
  }
  return c.ReadFramed(timeout);
}

// ---------------------------------------------------------------------------
// Queries

uint16_t NextId() {
  static uint16_t next = 0x2a00;
  if (++next == 0) ++next;
  return next;
}

uint16_t IdOf(const Bytes& m) {
  return m.size() >= 2 ? static_cast<uint16_t>(m[0] << 8 | m[1]) : 0;
}

Bytes MakeQuery(const std::string& qname, uint16_t qtype,
                const QueryOptions& o) {
  ldns_rdf* owner = ldns_dname_new_frm_str(qname.c_str());
  if (owner == nullptr) return {};
  ldns_pkt* pkt = ldns_pkt_query_new(owner, static_cast<ldns_rr_type>(qtype),
                                     o.qclass, o.rd ? LDNS_RD : 0);
  if (pkt == nullptr) return {};
  ldns_pkt_set_id(pkt, o.id != 0 ? o.id : NextId());
  ldns_pkt_set_opcode(pkt, o.opcode);
  ldns_pkt_set_qr(pkt, o.qr);
  ldns_pkt_set_cd(pkt, o.cd);
  ldns_pkt_set_ad(pkt, o.ad);
  if (o.edns) {
    ldns_pkt_set_edns_udp_size(pkt, o.udp_size);
    ldns_pkt_set_edns_version(pkt, o.edns_version);
    ldns_pkt_set_edns_do(pkt, o.do_bit);
  } else {
    ldns_pkt_set_edns_udp_size(pkt, 0);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  ldns_status st = ldns_pkt2wire(&wire, pkt, &size);
  ldns_pkt_free(pkt);
  if (st != LDNS_STATUS_OK) return {};
  Bytes out(wire, wire + size);
  free(wire);
  if (o.edns && !o.edns_options.empty()) {
    // ldns wrote the OPT last, with no RDATA: root, TYPE 41, CLASS, TTL,
    // RDLENGTH 0. Set RDLENGTH and append the options.
    const size_t opt = out.size() - 11;
    if (out.size() < 23 || out[opt] != 0 || out[opt + 1] != 0 || out[opt + 2] != 41) {
      return {};
    }
    out[opt + 9] = static_cast<uint8_t>(o.edns_options.size() >> 8);
    out[opt + 10] = static_cast<uint8_t>(o.edns_options.size() & 0xff);
    out.insert(out.end(), o.edns_options.begin(), o.edns_options.end());
  }
  return out;
}

Bytes EcsOption(uint8_t source_prefix, const Bytes& address, uint8_t scope,
                uint16_t family) {
  const size_t len = 4 + address.size();
  Bytes b = {0x00, 0x08, static_cast<uint8_t>(len >> 8),
             static_cast<uint8_t>(len & 0xff), static_cast<uint8_t>(family >> 8),
             static_cast<uint8_t>(family & 0xff), source_prefix, scope};
  b.insert(b.end(), address.begin(), address.end());
  return b;
}

QueryOptions WithEcs(const std::string& prefix) {
  const EcsSubnet s = ParseEcsPrefix(prefix);
  QueryOptions o;
  o.edns = true;
  o.edns_options = EcsOption(s.source, s.address, 0, s.family);
  return o;
}

std::optional<EcsSubnet> ReplyEcs(const Reply& reply, int* count) {
  std::optional<EcsSubnet> out;
  int n = 0;
  for (const auto& [code, data] : EdnsOptions(reply.pkt())) {
    if (code != 8) continue;
    ++n;
    if (std::optional<EcsSubnet> s = steer_test::ReadEcsOption(data)) out = s;
  }
  if (count != nullptr) *count = n;
  return out;
}

Bytes MakeQuery(const std::string& qname, ldns_rr_type qtype,
                const QueryOptions& o) {
  return MakeQuery(qname, static_cast<uint16_t>(qtype), o);
}

// ---------------------------------------------------------------------------
// Replies

std::optional<Reply> Reply::Parse(const Bytes& wire, std::string* error) {
  ldns_pkt* p = nullptr;
  ldns_status st = ldns_wire2pkt(&p, wire.data(), wire.size());
  if (st != LDNS_STATUS_OK || p == nullptr) {
    if (error != nullptr) {
      *error = std::string("ldns cannot decode the reply: ") +
               ldns_get_errorstr_by_id(st) + " (" + std::to_string(wire.size()) +
               " octets: " + Hex(wire, 0, 64) + "...)";
    }
    return std::nullopt;
  }
  Reply r;
  r.wire_ = wire;
  r.pkt_ = std::shared_ptr<ldns_pkt>(p, PktFree());
  return r;
}

int Reply::rcode() const {
  return (static_cast<int>(ldns_pkt_edns_extended_rcode(pkt())) << 4) |
         header_rcode();
}

std::string Reply::ToString() const {
  if (!pkt_) return "(no reply)";
  char* s = ldns_pkt2str(pkt());
  std::string out = s != nullptr ? s : "(ldns_pkt2str failed)";
  free(s);
  return out + ";; " + std::to_string(wire_.size()) + " octets on the wire\n";
}

testing::AssertionResult CheckReply(const Bytes& query,
                                    const std::optional<Bytes>& reply_wire,
                                    Reply* out, bool check_question) {
  if (!reply_wire.has_value()) {
    return testing::AssertionFailure()
           << "no reply within the time limit to query id " << IdOf(query);
  }
  std::string error;
  auto r = Reply::Parse(*reply_wire, &error);
  if (!r.has_value()) return testing::AssertionFailure() << error;
  *out = *r;
  if (!r->qr()) {
    return testing::AssertionFailure() << "QR=0 in the reply\n" << r->ToString();
  }
  if (r->id() != IdOf(query)) {
    return testing::AssertionFailure()
           << "reply ID " << r->id() << " != query ID " << IdOf(query);
  }
  const int qopcode = query.size() > 2 ? (query[2] >> 3) & 0xf : 0;
  if (static_cast<int>(r->opcode()) != qopcode) {
    return testing::AssertionFailure()
           << "reply opcode " << r->opcode() << " != query opcode " << qopcode;
  }
  if (check_question) {
    size_t qlen = QuestionLength(query);
    size_t rlen = QuestionLength(*reply_wire);
    if (r->qdcount() != 1 || qlen == 0 || qlen != rlen ||
        !std::equal(query.begin() + 12, query.begin() + 12 + qlen,
                    reply_wire->begin() + 12)) {
      return testing::AssertionFailure()
             << "the reply's question section (QDCOUNT " << r->qdcount()
             << ", " << Hex(*reply_wire, 12, rlen)
             << ") is not the query's question (" << Hex(query, 12, qlen)
             << ") octet for octet\n"
             << r->ToString();
    }
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult AskUdpRaw(const Endpoint& endpoint, const Bytes& query,
                                   Reply* out, bool check_question) {
  if (query.empty()) return testing::AssertionFailure() << "empty query";
  return CheckReply(query, UdpExchange(endpoint, query), out, check_question);
}

testing::AssertionResult AskTcpRaw(const Endpoint& endpoint, const Bytes& query,
                                   Reply* out, bool check_question) {
  if (query.empty()) return testing::AssertionFailure() << "empty query";
  return CheckReply(query, TcpExchange(endpoint, query), out, check_question);
}

testing::AssertionResult AskUdp(const Endpoint& endpoint,
                                const std::string& qname, ldns_rr_type qtype,
                                const QueryOptions& options, Reply* out) {
  return AskUdpRaw(endpoint, MakeQuery(qname, qtype, options), out);
}

testing::AssertionResult AskTcp(const Endpoint& endpoint,
                                const std::string& qname, ldns_rr_type qtype,
                                const QueryOptions& options, Reply* out) {
  return AskTcpRaw(endpoint, MakeQuery(qname, qtype, options), out);
}

// ---------------------------------------------------------------------------
// RR comparison

Bytes CanonicalWire(const ldns_rr* rr) {
  ldns_rr* copy = ldns_rr_clone(rr);
  ldns_rr2canonical(copy);
  uint8_t* wire = nullptr;
  size_t size = 0;
  Bytes out;
  if (ldns_rr2wire(&wire, copy, LDNS_SECTION_ANSWER, &size) == LDNS_STATUS_OK) {
    out.assign(wire, wire + size);
    free(wire);
  }
  ldns_rr_free(copy);
  return out;
}

std::string RRText(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  std::string out = s != nullptr ? s : "(?)";
  free(s);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string ListText(const ldns_rr_list* list) {
  std::string out;
  for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
    out += "    " + RRText(ldns_rr_list_rr(list, i)) + "\n";
  }
  return out.empty() ? "    (empty)\n" : out;
}

namespace {

// Parses the expected RRs; on a typo in a test, says so.
bool ParseExpected(const std::vector<std::string>& expected,
                   std::vector<Bytes>* wires, std::string* error) {
  for (const auto& text : expected) {
    ldns_rr* rr = nullptr;
    ldns_status st = ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr);
    if (st != LDNS_STATUS_OK) {
      *error = "test bug: cannot parse expected RR \"" + text +
               "\": " + ldns_get_errorstr_by_id(st);
      return false;
    }
    wires->push_back(CanonicalWire(rr));
    ldns_rr_free(rr);
  }
  return true;
}

// Canonical wire of each RR in `list` (none for a null list).
std::vector<Bytes> CanonicalWires(const ldns_rr_list* list) {
  std::vector<Bytes> out;
  for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
    out.push_back(CanonicalWire(ldns_rr_list_rr(list, i)));
  }
  return out;
}

std::string ExpectedText(const std::vector<std::string>& expected) {
  std::string out;
  for (const auto& e : expected) out += "    " + e + "\n";
  return out.empty() ? "    (empty)\n" : out;
}

}  // namespace

testing::AssertionResult SectionEquals(const ldns_rr_list* list,
                                       const std::vector<std::string>& expected,
                                       bool ordered) {
  std::vector<Bytes> want;
  std::string error;
  if (!ParseExpected(expected, &want, &error)) {
    return testing::AssertionFailure() << error;
  }
  const std::vector<Bytes> got = CanonicalWires(list);
  bool same;
  if (ordered) {
    same = (got == want);
  } else {
    auto g = got, w = want;
    std::sort(g.begin(), g.end());
    std::sort(w.begin(), w.end());
    same = (g == w);
  }
  if (same) return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << "section differs" << (ordered ? " (order matters)" : "")
         << "\n  expected:\n" << ExpectedText(expected) << "  got:\n"
         << ListText(list);
}

testing::AssertionResult SectionContains(
    const ldns_rr_list* list, const std::vector<std::string>& expected) {
  std::vector<Bytes> want;
  std::string error;
  if (!ParseExpected(expected, &want, &error)) {
    return testing::AssertionFailure() << error;
  }
  const std::vector<Bytes> got = CanonicalWires(list);
  std::string missing;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::find(got.begin(), got.end(), want[i]) == got.end()) {
      missing += "    " + expected[i] + "\n";
    }
  }
  if (missing.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "section lacks\n" << missing
                                     << "  got:\n" << ListText(list);
}

size_t CountType(const ldns_rr_list* list, ldns_rr_type type) {
  size_t n = 0;
  for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(list, i)) == type) ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------
// c-ares

std::string AresResult::StatusText() const {
  std::string s = completed ? "" : "(did not complete) ";
  return s + ares_strerror(status) + " (" + std::to_string(status) + ")";
}

AresAddresses ParseAresAddresses(const Bytes& abuf, int family) {
  AresAddresses out;
  hostent* host = nullptr;
  constexpr int kMax = 64;
  int n = kMax;
  char text[INET6_ADDRSTRLEN];
  if (family == AF_INET) {
    ares_addrttl ttls[kMax];
    out.status = ares_parse_a_reply(abuf.data(), static_cast<int>(abuf.size()), &host, ttls, &n);
    for (int i = 0; out.status == ARES_SUCCESS && i < n; ++i) {
      out.addresses.push_back(inet_ntop(AF_INET, &ttls[i].ipaddr, text, sizeof text));
      out.ttls.push_back(ttls[i].ttl);
    }
  } else {
    ares_addr6ttl ttls[kMax];
    out.status =
        ares_parse_aaaa_reply(abuf.data(), static_cast<int>(abuf.size()), &host, ttls, &n);
    for (int i = 0; out.status == ARES_SUCCESS && i < n; ++i) {
      out.addresses.push_back(inet_ntop(AF_INET6, &ttls[i].ip6addr, text, sizeof text));
      out.ttls.push_back(ttls[i].ttl);
    }
  }
  if (host != nullptr) {
    if (host->h_name != nullptr) out.name = host->h_name;
    for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) {
      out.aliases.insert(*a);
    }
    ares_free_hostent(host);
  }
  return out;
}

AresClient::AresClient(const Endpoint& endpoint, int flags,
                       milliseconds per_try_timeout, int tries) {
  AresInitOnce();
  ares_options opts{};
  opts.flags = flags | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
  opts.timeout = static_cast<int>(per_try_timeout.count());
  opts.tries = tries;
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  int st = ares_init_options(&channel_, &opts, mask);
  if (st != ARES_SUCCESS) {
    init_error_ = std::string("ares_init_options: ") + ares_strerror(st);
    channel_ = nullptr;
    return;
  }
  const std::string servers = endpoint.ToString();
  st = ares_set_servers_ports_csv(channel_, servers.c_str());
  if (st != ARES_SUCCESS) {
    init_error_ = "ares_set_servers_ports_csv(" + servers + "): " +
                  ares_strerror(st);
  }
}

AresClient::~AresClient() {
  if (channel_ != nullptr) ares_destroy(channel_);
}

namespace {

void AresCallback(void* arg, int status, int timeouts, unsigned char* abuf,
                  int alen) {
  auto* r = static_cast<AresResult*>(arg);
  r->completed = true;
  r->status = status;
  r->timeouts = timeouts;
  if (abuf != nullptr && alen > 0) r->abuf.assign(abuf, abuf + alen);
}

}  // namespace

AresResult AresClient::Run(AresResult* result, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (int round = 0; !result->completed && round < 100000; ++round) {
    if (Clock::now() >= deadline) break;
    fd_set readers, writers;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    int nfds = ares_fds(channel_, &readers, &writers);
    timeval max_wait{0, 50 * 1000};
    timeval tv{};
    timeval* tvp = ares_timeout(channel_, &max_wait, &tv);
    select(nfds, &readers, &writers, nullptr, tvp);
    ares_process(channel_, &readers, &writers);
  }
  if (!result->completed) {
    ares_cancel(channel_);  // runs the callback with ARES_ECANCELLED
    result->completed = false;
    result->status = ARES_ETIMEOUT;
  }
  return *result;
}

AresResult AresClient::Query(const std::string& name, int type,
                             milliseconds timeout) {
  AresResult result;
  if (channel_ == nullptr || !init_error_.empty()) {
    result.status = ARES_ENOTINITIALIZED;
    return result;
  }
  ares_query(channel_, name.c_str(), /*dnsclass=IN*/ 1, type, AresCallback, &result);
  return Run(&result, timeout);
}

AresResult AresClient::Send(const Bytes& query, milliseconds timeout) {
  AresResult result;
  if (channel_ == nullptr || !init_error_.empty()) {
    result.status = ARES_ENOTINITIALIZED;
    return result;
  }
  ares_send(channel_, query.data(), static_cast<int>(query.size()),
            AresCallback, &result);
  return Run(&result, timeout);
}

}  // namespace e2e
