/*
 * syscalls.h: the system-call interface, shared by the kernel and the user library.
 *
 * A user program puts the call's number in EAX and its arguments in EBX, ECX, EDX, then
 * executes `int 0x80`. The CPU switches to the kernel's stack (from the TSS) and enters the
 * kernel through gate 0x80 of the IDT, the only gate a user program may call (DPL 3). The
 * kernel's answer comes back in EAX; a negative answer is an error.
 */
#ifndef HVOS_SYSCALLS_H
#define HVOS_SYSCALLS_H
#include <stdint.h>
#include "netcalls.h"

#define T_SYSCALL 0x80

#define SYS_write   1   /* write(fd, buf, n) -> bytes written */
#define SYS_read    2   /* read(fd, buf, n) -> bytes read, 0 at the end */
#define SYS_spawn   3   /* spawn(path, argv) -> pid of a new process running path */
#define SYS_exit    4   /* exit(status): never returns */
#define SYS_wait    5   /* wait(&status) -> pid of a child that ended */
#define SYS_getpid  6   /* getpid() -> pid */
#define SYS_sleep   7   /* sleep(ticks) */
#define SYS_open    8   /* open(path) -> fd */
#define SYS_close   9   /* close(fd) */
#define SYS_uptime 10   /* uptime() -> timer ticks since boot */
#define SYS_procs  11   /* procs(buf, max) -> count: a snapshot of the process table */
#define SYS_readdir 12  /* readdir(index, &entry) -> 1, or 0 past the last file */
#define SYS_netconfig 13 /* netconfig(&info, ip) -> 0: sets our IP address first unless ip is 0 (netcalls.h) */
#define SYS_ping   14   /* ping(ip, seq, timeout) -> microseconds until the echo reply came */
#define SYS_udpsend 15  /* udpsend(&dgram) -> bytes sent */
#define SYS_udprecv 16  /* udprecv(&dgram, timeout) -> bytes received on dgram.local_port */
#define SYS_sethostname 20  /* sethostname(buf, n): the machine's name (kernel/syshostname.c: the planted bug) */
#define SYS_gethostname 21  /* gethostname(buf, n) -> n */
#define NSYSCALLS  22   /* the table's length, slot 0 unused (17-19 are free) */

#define HOSTNAME_MAX 64 /* bytes in the machine's name */

#define E_BADCALL  -1   /* no such system call */
#define E_FAULT    -2   /* a pointer outside the caller's memory */
#define E_NOENT    -3   /* no such file */
#define E_BADF     -4   /* no such open file */
#define E_NOMEM    -5   /* out of memory or process slots */
#define E_CHILD    -6   /* no children to wait for */
#define E_NOEXEC   -7   /* not a program hvos can run */
#define E_INVAL    -8   /* a bad argument */
#define E_NODEV    -9   /* no network card */
#define E_TIMEDOUT -10  /* no answer in time */
#define E_NOHOST  -11   /* nobody answered ARP for that address */
#define E_BUSY    -12   /* that port belongs to another process */

struct procinfo {               /* what procs() returns, one per process */
    int pid;
    int ppid;
    char state[12];
    char name[16];
    uint32_t pages;             /* user pages it owns */
};

struct dirinfo {                /* what readdir() returns */
    char name[24];
    uint32_t size;
};

#endif
