/*
 * swtch.S: switch from one kernel stack to another.
 *
 *     void swtch(struct context **old, struct context *new);
 *
 * Push the registers the caller expects kept, save the stack pointer in *old, load new's
 * stack pointer and pop its registers. The `ret` then returns into whatever called swtch() on
 * the other stack: this is the whole of a context switch. The call pushed EIP for us; the
 * pushes below make the rest of struct context (proc.h), in its order.
 */
.globl swtch
swtch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
