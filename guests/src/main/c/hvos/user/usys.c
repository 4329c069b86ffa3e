/*
 * usys.c: the system-call stubs. Each loads the call's number into EAX and its arguments into
 * EBX, ECX, EDX, and traps into the kernel with `int 0x80`; the kernel's answer is in EAX.
 */
#include "user.h"

static inline int syscall3(int n, uint32_t a, uint32_t b, uint32_t c) {
    int ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

int write(int fd, const void *buf, int n) { return syscall3(SYS_write, fd, (uint32_t) buf, n); }
int read(int fd, void *buf, int n) { return syscall3(SYS_read, fd, (uint32_t) buf, n); }
int spawn(const char *path, char **argv) { return syscall3(SYS_spawn, (uint32_t) path, (uint32_t) argv, 0); }
int wait(int *status) { return syscall3(SYS_wait, (uint32_t) status, 0, 0); }
int getpid(void) { return syscall3(SYS_getpid, 0, 0, 0); }
int sleep(int ticks) { return syscall3(SYS_sleep, ticks, 0, 0); }
int open(const char *path) { return syscall3(SYS_open, (uint32_t) path, 0, 0); }
int close(int fd) { return syscall3(SYS_close, fd, 0, 0); }
int uptime(void) { return syscall3(SYS_uptime, 0, 0, 0); }
int procs(struct procinfo *buf, int max) { return syscall3(SYS_procs, (uint32_t) buf, max, 0); }
int readdir(int index, struct dirinfo *entry) { return syscall3(SYS_readdir, index, (uint32_t) entry, 0); }
int netconfig(struct netinfo *info, uint32_t ip) { return syscall3(SYS_netconfig, (uint32_t) info, ip, 0); }
int ping(uint32_t ip, int seq, int timeout) { return syscall3(SYS_ping, ip, seq, timeout); }
int udpsend(struct udp_dgram *d) { return syscall3(SYS_udpsend, (uint32_t) d, 0, 0); }
int udprecv(struct udp_dgram *d, int timeout) { return syscall3(SYS_udprecv, (uint32_t) d, timeout, 0); }
int sethostname(const void *name, int n) { return syscall3(SYS_sethostname, (uint32_t) name, n, 0); }
int gethostname(void *buf, int n) { return syscall3(SYS_gethostname, (uint32_t) buf, n, 0); }

void exit(int status) {
    syscall3(SYS_exit, status, 0, 0);
    for (;;) {
    }
}
