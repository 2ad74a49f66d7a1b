// bind_as.c — LD_PRELOAD helper for bench/xdp.sh: a server that can only bind 127.0.0.1
// (../shared/peers/reflector.c) binds $STEER_BIND_AS instead, so that it can be loaded over the
// veth pair like the other servers. Any other bind() passes through unchanged.
// Build: cc -O2 -shared -fPIC -o bind_as.so bind_as.c -ldl
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real_bind)(int, const struct sockaddr *, socklen_t);
    if (!real_bind) real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
    const char *as = getenv("STEER_BIND_AS");
    if (as && addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;
        memcpy(&sin, addr, sizeof sin);
        if (sin.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && inet_pton(AF_INET, as, &sin.sin_addr) == 1)
            return real_bind(fd, (const struct sockaddr *)&sin, sizeof sin);
    }
    return real_bind(fd, addr, len);
}
