/*
 * sysnet.c: the network's system calls. Four are enough for ifconfig, ping and a UDP client and
 * server (netcalls.h has their structures):
 *
 *     netconfig(&info, ip)        set our IP address (unless 0), then describe the card and stack
 *     ping(ip, seq, timeout)      one ICMP echo, answered within timeout ticks: microseconds
 *     udpsend(&dgram)             one datagram, from dgram.local_port (0: the kernel picks one)
 *     udprecv(&dgram, timeout)    the next datagram on dgram.local_port, within timeout (0: forever)
 *
 * A BSD socket API would be socket, bind, sendto, recvfrom, close and a dozen more; a port here
 * belongs to the process that uses it until it ends, which is all that these programs need.
 * As everywhere in hvos, a user's structure is copied in, checked, and copied out: the kernel
 * never reads or writes through the user's pointer.
 */
#include <stddef.h>
#include "defs.h"
#include "net.h"
#include "param.h"
#include "proc.h"
#include "../include/syscalls.h"

#define MAX_WAIT (60 * HZ)       /* no call waits longer than a minute */

static uint32_t deadline(uint32_t timeout, uint32_t otherwise) {
    if (!timeout) timeout = otherwise;
    return ticks + (timeout < MAX_WAIT ? timeout : MAX_WAIT);
}

/* An address hvos may take as its own: not 0.x.x.x, not loopback, multicast or broadcast. */
static int host_address(uint32_t ip) {
    uint32_t first = ip >> 24;
    return first != 0 && first != 127 && first < 224;
}

int sys_netconfig(struct trapframe *tf) {
    if (!net_present()) return E_NODEV;
    if (tf->ecx) {
        if (!host_address(tf->ecx)) return E_INVAL;
        net_ip = tf->ecx;
    }
    if (!tf->ebx) return 0;
    struct netinfo info;
    memset(&info, 0, sizeof info);
    memcpy(info.mac, net_mac, 6);
    info.ip = net_ip;
    info.rx_frames = net_stats.rx_frames;
    info.tx_frames = net_stats.tx_frames;
    info.malformed = net_stats.malformed;
    info.ignored = net_stats.ignored;
    info.card_error = nic_error();
    info.narp = (uint16_t) arp_list(info.arp, NET_ARP_SHOWN);
    return vm_copyout(curproc->pgdir, tf->ebx, &info, sizeof info) < 0 ? E_FAULT : 0;
}

int sys_ping(struct trapframe *tf) {
    if (!net_present()) return E_NODEV;
    return icmp_ping(tf->ebx, (uint16_t) tf->ecx, deadline(tf->edx, HZ));
}

int sys_udpsend(struct trapframe *tf) {
    if (!net_present()) return E_NODEV;
    struct udp_dgram d;
    if (vm_copyin(curproc->pgdir, &d, tf->ebx, offsetof(struct udp_dgram, data)) < 0) return E_FAULT;
    if (d.len > UDP_DATA_MAX) return E_INVAL;
    if (vm_copyin(curproc->pgdir, d.data, tf->ebx + offsetof(struct udp_dgram, data), d.len) < 0) return E_FAULT;
    int n = udp_send(&d, deadline(0, HZ));
    uint16_t port = d.local_port;
    if (vm_copyout(curproc->pgdir, tf->ebx + offsetof(struct udp_dgram, local_port), &port, sizeof port) < 0) return E_FAULT;
    return n;
}

int sys_udprecv(struct trapframe *tf) {
    if (!net_present()) return E_NODEV;
    if (!vm_user_range_ok(curproc->pgdir, tf->ebx, sizeof(struct udp_dgram))) return E_FAULT;
    struct udp_dgram d;
    if (vm_copyin(curproc->pgdir, &d, tf->ebx, offsetof(struct udp_dgram, data)) < 0) return E_FAULT;
    uint32_t until = tf->ecx ? deadline(tf->ecx, 0) : ticks + 0x7FFFFFFFu;
    int n = udp_recv(&d, until);
    if (n < 0) return n;
    return vm_copyout(curproc->pgdir, tf->ebx, &d, offsetof(struct udp_dgram, data) + d.len) < 0 ? E_FAULT : n;
}
