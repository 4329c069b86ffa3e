/*
 * fsformat.h: the layout of hvos's disk, shared by the kernel and the host tool (mkfs) that
 * builds the disk image.
 *
 * A deliberately trivial file system: read-only, one flat directory, each file stored in
 * consecutive sectors. Sector 0 is the superblock, the directory follows it, the files follow
 * the directory. There are no blocks to allocate and nothing to repair: what you see in a hex
 * dump of the image is all there is.
 */
#ifndef HVOS_FSFORMAT_H
#define HVOS_FSFORMAT_H
#include <stdint.h>

#define SECTOR_SIZE 512
#define FS_MAGIC 0x53465648u     /* "HVFS" in little-endian bytes */
#define FS_NAME_MAX 24           /* a name, NUL-terminated, fits in 24 bytes */
#define FS_DIR_SECTORS 4         /* the directory: sectors 1-4 */
#define FS_MAX_FILES (FS_DIR_SECTORS * SECTOR_SIZE / (int) sizeof(struct fs_dirent))

struct fs_super {                /* sector 0 */
    uint32_t magic;
    uint32_t nfiles;             /* entries in use in the directory */
    uint32_t total_sectors;      /* the whole image */
};

struct fs_dirent {               /* 32 bytes, 16 a sector */
    char name[FS_NAME_MAX];
    uint32_t start;              /* first sector of the file */
    uint32_t size;               /* bytes */
};

#endif
