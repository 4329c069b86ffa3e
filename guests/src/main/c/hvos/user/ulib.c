/*
 * ulib.c: a tiny C library for user programs: printf over write(), and a few string functions.
 * printf gathers its output in a buffer and makes one write() of it, so that a line from one
 * program does not get mixed, character by character, with a line from another.
 */
#include <stdarg.h>
#include "user.h"
#include "../lib/fmt.h"

struct buffer {
    int fd;
    int n;
    char data[256];
};

static void put(char c, void *arg) {
    struct buffer *b = arg;
    if (b->n == sizeof b->data) {
        write(b->fd, b->data, b->n);
        b->n = 0;
    }
    b->data[b->n++] = c;
}

static int vprint(int fd, const char *fmt, va_list ap) {
    struct buffer b = {fd, 0, {0}};
    int n = vformat(put, &b, fmt, ap);
    if (b.n) write(fd, b.data, b.n);
    return n;
}

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprint(1, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(int fd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprint(fd, fmt, ap);
    va_end(ap);
    return n;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (uint8_t) *a - (uint8_t) *b;
}

int atoi(const char *s) {
    int n = 0;
    while (*s >= '0' && *s <= '9') n = n * 10 + (*s++ - '0');
    return n;
}

/* "10.0.0.2" into 0x0A000002: four numbers 0-255 and three dots, nothing else. 0 or -1. */
int parse_ip(const char *s, uint32_t *ip) {
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.') return -1;
        if (*s < '0' || *s > '9') return -1;
        uint32_t n = 0;
        for (int digits = 0; *s >= '0' && *s <= '9'; digits++) {
            if (digits == 3) return -1;
            n = n * 10 + (uint32_t) (*s++ - '0');
        }
        if (n > 255) return -1;
        v = v << 8 | n;
    }
    if (*s) return -1;
    *ip = v;
    return 0;
}

const char *strerror(int err) {
    switch (err) {
    case E_BADCALL: return "no such system call";
    case E_FAULT: return "bad address";
    case E_NOENT: return "no such file";
    case E_BADF: return "bad file descriptor";
    case E_NOMEM: return "out of memory or process slots";
    case E_CHILD: return "no child processes";
    case E_NOEXEC: return "not a program";
    case E_INVAL: return "invalid argument";
    case E_NODEV: return "no network card";
    case E_TIMEDOUT: return "timed out";
    case E_NOHOST: return "no host answers ARP for that address";
    case E_BUSY: return "port in use by another process";
    default: return "unknown error";
    }
}

/* gcc may emit calls to these for struct copies and initialisers. */
void *memset(void *dst, int c, size_t n) {
    uint8_t *d = dst;
    while (n--) *d++ = (uint8_t) c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--) *d++ = *s++;
    return dst;
}
