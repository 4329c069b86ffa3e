/*
 * fs.c: the file system: a superblock, a flat directory, files in consecutive sectors
 * (fsformat.h; the host tool mkfs writes it). Read-only, so there is nothing to keep
 * consistent: the directory is read once at boot and kept in memory.
 */
#include "defs.h"
#include "../include/fsformat.h"

static struct fs_dirent dir[FS_MAX_FILES];
static uint32_t nfiles;

int fs_init(void) {
    uint8_t sector[SECTOR_SIZE];
    if (ide_read(0, sector) < 0) return -1;
    struct fs_super *sb = (struct fs_super *) sector;
    if (sb->magic != FS_MAGIC || sb->nfiles > FS_MAX_FILES) return -1;
    nfiles = sb->nfiles;
    for (int i = 0; i < FS_DIR_SECTORS; i++) {
        if (ide_read(1 + i, (uint8_t *) dir + i * SECTOR_SIZE) < 0) return -1;
    }
    for (uint32_t i = 0; i < nfiles; i++) dir[i].name[FS_NAME_MAX - 1] = 0;   /* trust no image */
    return (int) nfiles;
}

struct fs_dirent *fs_lookup(const char *name) {
    for (uint32_t i = 0; i < nfiles; i++) {
        if (strcmp(dir[i].name, name) == 0) return &dir[i];
    }
    return 0;
}

struct fs_dirent *fs_entry(int index) {
    return index >= 0 && (uint32_t) index < nfiles ? &dir[index] : 0;
}

/*
 * The last sector read, kept: loading a program reads its ELF header, its program headers and
 * its first bytes from one sector, and each read is a round trip to the drive. The disk never
 * changes, so a kept sector never goes stale.
 */
static struct {
    int valid;
    uint32_t number;
    uint8_t data[SECTOR_SIZE];
} last;

static int read_sector(uint32_t number, uint8_t *dst) {
    if (last.valid && last.number == number) {
        memcpy(dst, last.data, SECTOR_SIZE);
        return 0;
    }
    if (ide_read(number, dst) < 0) return -1;   /* may sleep: another process may use `last` meanwhile */
    memcpy(last.data, dst, SECTOR_SIZE);
    last.number = number;
    last.valid = 1;
    return 0;
}

/* Read n bytes at off of the file at sector start (size bytes long); returns how many, or -1. */
int fs_read(uint32_t start, uint32_t size, uint32_t off, void *dst, uint32_t n) {
    if (off >= size) return 0;
    if (n > size - off) n = size - off;
    uint8_t sector[SECTOR_SIZE];
    uint32_t done = 0;
    while (done < n) {
        uint32_t pos = off + done;
        if (read_sector(start + pos / SECTOR_SIZE, sector) < 0) return -1;
        uint32_t in = pos % SECTOR_SIZE;
        uint32_t take = SECTOR_SIZE - in < n - done ? SECTOR_SIZE - in : n - done;
        memcpy((uint8_t *) dst + done, sector + in, take);
        done += take;
    }
    return (int) done;
}
