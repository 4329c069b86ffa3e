/*
 * fmt.c: the one printf of hvos. The kernel points it at the serial line; user programs point
 * it at a buffer they hand to write(). No floating point, no long long: enough for a kernel.
 */
#include <stdint.h>
#include "fmt.h"

static int pad(void (*out)(char, void *), void *arg, int n, char c) {
    for (int i = 0; i < n; i++) out(c, arg);
    return n > 0 ? n : 0;
}

int vformat(void (*out)(char c, void *arg), void *arg, const char *fmt, va_list ap) {
    int count = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(*fmt, arg);
            count++;
            continue;
        }
        fmt++;
        int left = 0, zero = 0, width = 0;
        if (*fmt == '-') { left = 1; fmt++; }
        if (*fmt == '0') { zero = 1; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        char buf[12];
        const char *s = buf;
        int len = 0;
        switch (*fmt) {
        case 'd': case 'u': case 'x': case 'p': {
            uint32_t v = va_arg(ap, uint32_t);
            int neg = 0;
            unsigned base = (*fmt == 'x' || *fmt == 'p') ? 16 : 10;
            if (*fmt == 'd' && (int32_t) v < 0) { neg = 1; v = -v; }
            if (*fmt == 'p') {         /* an address: 0x and all eight digits */
                out('0', arg); out('x', arg);
                count += 2;
                zero = 1;
                width = 8;
            }
            char *p = buf + sizeof buf;
            do { *--p = "0123456789abcdef"[v % base]; v /= base; } while (v);
            if (neg) {
                if (zero && width > 0) { out('-', arg); count++; width--; }
                else *--p = '-';
            }
            s = p;
            len = buf + sizeof buf - p;
            break;
        }
        case 's':
            s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            while (s[len]) len++;
            break;
        case 'c':
            buf[0] = (char) va_arg(ap, int);
            len = 1;
            break;
        case '\0':
            return count;
        default:           /* %% and anything unknown: print it as it is */
            buf[0] = *fmt;
            len = 1;
        }
        if (!left) count += pad(out, arg, width - len, zero ? '0' : ' ');
        for (int i = 0; i < len; i++) out(s[i], arg);
        count += len;
        if (left) count += pad(out, arg, width - len, ' ');
    }
    return count;
}
