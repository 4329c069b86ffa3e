/*
 * crt0.S: where a user program starts. spawn() left a zero return address, argc and argv on
 * the stack, as a call to main would; call main with them and give what it returns to exit.
 */
.section .text.start
.globl _start
_start:
    pushl 8(%esp)          /* argv */
    pushl 8(%esp)          /* argc (the push moved it to 8 too) */
    call main
    pushl %eax
    call exit
1:  jmp 1b
