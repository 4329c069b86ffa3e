package hvlab.cpu.unicorn;

/** Numbers from {@code unicorn/unicorn.h} and {@code unicorn/x86.h} (Unicorn 2.0.1). They stay inside this package. */
final class UnicornConstants {
    private UnicornConstants() {}

    static final int UC_ARCH_X86 = 4;
    static final int UC_MODE_32 = 4;

    static final int UC_ERR_OK = 0;
    static final int UC_ERR_READ_UNMAPPED = 6;
    static final int UC_ERR_WRITE_UNMAPPED = 7;
    static final int UC_ERR_FETCH_UNMAPPED = 8;
    static final int UC_ERR_INSN_INVALID = 10;
    static final int UC_ERR_WRITE_PROT = 12;
    static final int UC_ERR_READ_PROT = 13;
    static final int UC_ERR_FETCH_PROT = 14;
    static final int UC_ERR_EXCEPTION = 21;

    static final int UC_HOOK_INTR = 1;
    static final int UC_HOOK_INSN = 2;
    static final int UC_HOOK_CODE = 4;
    static final int UC_HOOK_BLOCK = 8;
    static final int UC_HOOK_MEM_UNMAPPED = 16 | 32 | 64;
    static final int UC_HOOK_MEM_PROT = 128 | 256 | 512;
    static final int UC_HOOK_MEM_READ = 1024;
    static final int UC_HOOK_MEM_WRITE = 2048;
    static final int UC_HOOK_MEM_FETCH = 4096;
    static final int UC_HOOK_INSN_INVALID = 16384;
    /** Called after Unicorn translates a new block, before it runs (2.0's "edge generated" hook). */
    static final int UC_HOOK_EDGE_GENERATED = 1 << 15;

    static final int UC_MEM_READ_UNMAPPED = 19;
    static final int UC_MEM_WRITE_UNMAPPED = 20;
    static final int UC_MEM_FETCH_UNMAPPED = 21;
    static final int UC_MEM_WRITE_PROT = 22;
    static final int UC_MEM_READ_PROT = 23;
    static final int UC_MEM_FETCH_PROT = 24;

    static final int UC_X86_INS_IN = 218;
    static final int UC_X86_INS_OUT = 500;
    static final int UC_X86_INS_CPUID = 113;
    static final int UC_X86_INS_SYSCALL = 699;
    static final int UC_X86_INS_SYSENTER = 700;

    static final int UC_PROT_READ = 1;
    static final int UC_PROT_WRITE = 2;
    static final int UC_PROT_EXEC = 4;

    /** UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2): type 9, two arguments, write. */
    static final int UC_CTL_REMOVE_CACHE = 9 | (2 << 26) | (1 << 30);
    /** UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0): type 10, no arguments, write. */
    static final int UC_CTL_TB_FLUSH = 10 | (1 << 30);

    static final int UC_X86_REG_GDTR = 243;
    static final int UC_X86_REG_IDTR = 242;
    static final int UC_X86_REG_LDTR = 244;
    static final int UC_X86_REG_TR = 245;
    static final int UC_X86_REG_FPSW = 31;
    static final int UC_X86_REG_FP0 = 82;
    static final int UC_X86_REG_XMM0 = 122;
    static final int UC_X86_REG_FPCW = 246;
    static final int UC_X86_REG_FPTAG = 247;
    static final int UC_X86_REG_MXCSR = 249;
}
