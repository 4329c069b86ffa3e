/* string.c: the few C library functions the kernel uses (gcc may call memset and memcpy itself). */
#include "defs.h"

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

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (uint8_t) *a - (uint8_t) *b;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Copy at most size - 1 characters and always terminate: no overrun, whatever src holds. */
void strlcpy(char *dst, const char *src, size_t size) {
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++) dst[i] = src[i];
    if (size) dst[i] = 0;
}
