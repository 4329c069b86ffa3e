/* fmt.h: printf-style formatting, shared by the kernel and the user library. */
#ifndef HVOS_FMT_H
#define HVOS_FMT_H
#include <stdarg.h>

/* Formats into out(c, arg) one character at a time: %d %u %x %p (0x and 8 digits) %s %c %%, with an optional
 * '-' (left-justify), '0' (zero-pad) and a width, e.g. %-12s, %08x. Returns the count. */
int vformat(void (*out)(char c, void *arg), void *arg, const char *fmt, va_list ap);

#endif
