/*
 * mkfs: build hvos's disk image on the host, from a list of files.
 *
 *     mkfs OUT.img FILE...
 *
 * Each file goes on the disk under its base name, in name order (user programs, text files), in consecutive
 * sectors after the directory; see ../include/fsformat.h for the layout. Built and run by the
 * guests' Maven build with the host's own C compiler; any error is one line and exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../include/fsformat.h"

static const char *base_name(const char *path) {
    return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

static int by_name(const void *a, const void *b) {
    return strcmp(base_name(*(char *const *) a), base_name(*(char *const *) b));
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "mkfs: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) fail("usage: mkfs OUT.img FILE...", NULL);
    int nfiles = argc - 2;
    if (nfiles > FS_MAX_FILES) fail("too many files for the directory", NULL);
    static struct fs_dirent dir[FS_MAX_FILES];
    static unsigned char data[16 << 20];
    qsort(argv + 2, nfiles, sizeof *argv, by_name);     /* the directory in name order, whatever the build's */
    uint32_t next = 1 + FS_DIR_SECTORS;                  /* first sector after the directory */
    for (int i = 0; i < nfiles; i++) {
        const char *path = argv[i + 2];
        const char *base = base_name(path);
        if (strlen(base) >= FS_NAME_MAX) fail("file name too long for hvos (23 characters at most)", base);
        for (int j = 0; j < i; j++) {
            if (strcmp(dir[j].name, base) == 0) fail("two files with one name", base);
        }
        FILE *f = fopen(path, "rb");
        if (!f) fail("cannot read", path);
        size_t room = sizeof data - (size_t) next * SECTOR_SIZE;
        size_t n = fread(data + (size_t) next * SECTOR_SIZE, 1, room, f);
        if (n == room && fgetc(f) != EOF) fail("the files do not fit in 16 MiB", path);
        fclose(f);
        strncpy(dir[i].name, base, FS_NAME_MAX - 1);
        dir[i].start = next;
        dir[i].size = (uint32_t) n;
        next += (uint32_t) ((n + SECTOR_SIZE - 1) / SECTOR_SIZE);
    }
    struct fs_super sb = {FS_MAGIC, (uint32_t) nfiles, next};
    memcpy(data, &sb, sizeof sb);
    memcpy(data + SECTOR_SIZE, dir, sizeof dir);
    FILE *out = fopen(argv[1], "wb");
    if (!out) fail("cannot write", argv[1]);
    if (fwrite(data, SECTOR_SIZE, next, out) != next || fclose(out) != 0) fail("cannot write", argv[1]);
    return 0;
}
