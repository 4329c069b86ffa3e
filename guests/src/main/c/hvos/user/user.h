/* user.h: what a hvos user program can call: the system calls and a tiny C library. */
#ifndef HVOS_USER_H
#define HVOS_USER_H
#include <stdint.h>
#include <stddef.h>
#include "../include/syscalls.h"

#define HZ 100   /* timer ticks a second (the kernel's param.h) */

/* System calls (usys.c). Negative results are errors (E_* in syscalls.h). */
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int spawn(const char *path, char **argv);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
int getpid(void);
int sleep(int ticks);
int open(const char *path);
int close(int fd);
int uptime(void);
int procs(struct procinfo *buf, int max);
int readdir(int index, struct dirinfo *entry);
int netconfig(struct netinfo *info, uint32_t ip);
int ping(uint32_t ip, int seq, int timeout);
int udpsend(struct udp_dgram *d);
int udprecv(struct udp_dgram *d, int timeout);
int sethostname(const void *name, int n);
int gethostname(void *buf, int n);

/* The library (ulib.c). */
int printf(const char *fmt, ...);
int fprintf(int fd, const char *fmt, ...);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int atoi(const char *s);
const char *strerror(int err);
int parse_ip(const char *s, uint32_t *ip);

/* printf("%d.%d.%d.%d", IP_ARGS(ip)): an address in the dotted form people read. */
#define IP_ARGS(ip) (int) ((ip) >> 24), (int) (((ip) >> 16) & 0xFF), (int) (((ip) >> 8) & 0xFF), (int) ((ip) & 0xFF)

#endif
