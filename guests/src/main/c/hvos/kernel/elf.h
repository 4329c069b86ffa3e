/* elf.h: the parts of an ELF32 executable a loader reads (System V ABI, i386 supplement). */
#ifndef HVOS_ELF_H
#define HVOS_ELF_H
#include <stdint.h>

#define ELF_MAGIC 0x464C457Fu   /* "\x7FELF" */
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define PF_W 2            /* segment flag: writable */

struct elf_header {
    uint32_t magic;
    uint8_t ident[12];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {          /* a program header: one segment to load */
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#endif
