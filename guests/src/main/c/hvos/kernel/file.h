/* file.h: an open file: which file on disk, and how far it has been read. */
#ifndef HVOS_FILE_H
#define HVOS_FILE_H
#include <stdint.h>

struct file {
    int used;
    uint32_t start;   /* first sector */
    uint32_t size;    /* bytes */
    uint32_t off;     /* the next byte read() returns */
};

#endif
