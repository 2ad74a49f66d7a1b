// File: dns/server/xdp_filter.bpf.c
//
// The kernel half of steerdns's AF_XDP path (--xdp): an XDP program that
// redirects to the receive queue's AF_XDP socket only the frames steerdns
// answers there — IPv4 (no options, not a fragment) or IPv6 (UDP as the
// first next header) UDP to the DNS port — and passes everything else (ARP,
// neighbour discovery, ICMP, TCP, other ports) to the kernel's stack as if
// the program were not there. A queue without a socket passes too.
//
// Built with `clang -O2 -g -target bpf` by dns/server/CMakeLists.txt and
// embedded into the steerdns binary (xdp_filter.h loads it). Maps:
//   steer_xsks: XSKMAP, receive queue index -> AF_XDP socket
//   steer_port: ARRAY[1], the DNS port (host order); 0 = redirect nothing
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, 256);
  __type(key, __u32);
  __type(value, __u32);
} steer_xsks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} steer_port SEC(".maps");

SEC("xdp")
int steer_xdp_filter(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  struct udphdr *udp;
  if ((void *)(eth + 1) > end) return XDP_PASS;
  if (eth->h_proto == bpf_htons(ETH_P_IP)) {
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDP_PASS;
    if (ip->protocol != IPPROTO_UDP || ip->ihl != 5) return XDP_PASS;
    if (ip->frag_off & bpf_htons(0x3FFF)) return XDP_PASS;
    udp = (void *)(ip + 1);
  } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr *ip6 = (void *)(eth + 1);
    if ((void *)(ip6 + 1) > end) return XDP_PASS;
    if (ip6->nexthdr != IPPROTO_UDP) return XDP_PASS;
    udp = (void *)(ip6 + 1);
  } else {
    return XDP_PASS;
  }
  if ((void *)(udp + 1) > end) return XDP_PASS;
  __u32 key = 0;
  __u32 *port = bpf_map_lookup_elem(&steer_port, &key);
  if (port == 0 || *port == 0 || udp->dest != bpf_htons((__u16)*port)) return XDP_PASS;
  return bpf_redirect_map(&steer_xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
