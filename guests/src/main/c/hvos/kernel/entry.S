/*
 * entry.S: where the loader enters the kernel.
 *
 * A Multiboot loader looks for the header below in the image's first 8 KiB, loads the ELF
 * segments at their physical addresses and jumps to _start in 32-bit protected mode, paging
 * off, interrupts off, with EAX = the boot magic and EBX = the Multiboot information. It
 * promises nothing about the stack, so the first thing is to set one.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000002          /* bit 1: give us the memory map */

.section .multiboot, "a"
.align 4
.long MB_MAGIC
.long MB_FLAGS
.long -(MB_MAGIC + MB_FLAGS)

.text
.globl _start
_start:
    mov $boot_stack_top, %esp
    push %ebx                        /* kmain(magic, info) */
    push %eax
    call kmain
1:  hlt
    jmp 1b

.bss
.align 16
boot_stack:
.space 8192
boot_stack_top:
