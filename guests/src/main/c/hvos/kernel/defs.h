/* defs.h: the kernel's functions, by the file that defines them. */
#ifndef HVOS_DEFS_H
#define HVOS_DEFS_H
#include <stdint.h>
#include <stddef.h>

struct proc;
struct trapframe;
struct multiboot_info;
struct file;
struct fs_dirent;

/* console.c */
void console_init(void);
void console_putc(char c);
void console_intr(void);
int console_read(char *dst, int n);
void kprintf(const char *fmt, ...);
void panic(const char *fmt, ...) __attribute__((noreturn));

/* gdt.c */
void gdt_init(void);
void tss_set_kstack(uint32_t esp0);

/* trap.c */
void idt_init(void);

/* pic.c */
void pic_init(void);
void pic_enable(int irq);
void pic_eoi(int irq);

/* timer.c */
extern volatile uint32_t ticks;
void timer_init(void);
void timer_intr(void);

/* kalloc.c */
void kalloc_init(struct multiboot_info *mb, uint32_t kernel_end);
void *kalloc(void);
void kfree(void *page);
uint32_t kalloc_free_pages(void);
extern uint32_t ram_top;

/* vm.c */
void vm_init(void);
uint32_t *vm_new_pgdir(void);
void vm_switch(uint32_t *pgdir);
int vm_map_user(uint32_t *pgdir, uint32_t va, int writable, void **page);
uint32_t vm_translate(uint32_t *pgdir, uint32_t va);
int vm_user_range_ok(uint32_t *pgdir, uint32_t va, uint32_t len);
int vm_user_string(uint32_t *pgdir, uint32_t va, char *dst, int max);
int vm_copyout(uint32_t *pgdir, uint32_t va, const void *src, uint32_t n);
int vm_copyin(uint32_t *pgdir, void *dst, uint32_t va, uint32_t n);
uint32_t vm_free_user(uint32_t *pgdir);

/* proc.c */
void proc_init(void);
struct proc *proc_alloc(void);
void proc_free(struct proc *p);
void scheduler(void) __attribute__((noreturn));
void yield(void);
void sleep_on(void *chan);
void wakeup(void *chan);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(int *status);

/* spawn.c */
int spawn(const char *path, char **argv, int argc, struct proc *parent);

/* syscall.c */
void syscall(struct trapframe *tf);

/* ide.c */
int ide_init(void);
int ide_read(uint32_t sector, void *dst);
void ide_intr(void);

/* fs.c */
int fs_init(void);
struct fs_dirent *fs_lookup(const char *name);
struct fs_dirent *fs_entry(int index);
int fs_read(uint32_t start, uint32_t size, uint32_t off, void *dst, uint32_t n);

/* string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int strcmp(const char *a, const char *b);
size_t strlen(const char *s);
void strlcpy(char *dst, const char *src, size_t size);

#endif
