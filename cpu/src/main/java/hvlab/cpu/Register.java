package hvlab.cpu;

/**
 * The x86 registers the VMM talks about, in our own words.
 *
 * <p>Only the cpu module knows how a backend numbers them. The 8- and 16-bit names are here
 * because privileged instructions name them as operands ({@code in al, dx}, {@code lldt ax}).
 */
public enum Register {
    EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI,
    AX, CX, DX, BX, SP, BP, SI, DI,
    AL, CL, DL, BL, AH, CH, DH, BH,
    EIP, EFLAGS,
    CS, SS, DS, ES, FS, GS,
    CR0, CR2, CR3, CR4,
    DR0, DR1, DR2, DR3, DR6, DR7;

    /** The eight 32-bit general registers in the order the hardware encodes them (SDM Vol. 2, 2.1.5). */
    public static final Register[] GENERAL_32 = {EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI};

    /** The six segment registers in their encoding order (ES=0 ... GS=5). */
    public static final Register[] SEGMENTS = {ES, CS, SS, DS, FS, GS};

    public boolean isSegment() {
        return ordinal() >= CS.ordinal() && ordinal() <= GS.ordinal();
    }

    public boolean isControl() {
        return ordinal() >= CR0.ordinal() && ordinal() <= CR4.ordinal();
    }

    public boolean isDebug() {
        return ordinal() >= DR0.ordinal() && ordinal() <= DR7.ordinal();
    }

    /** Width in bytes of the value this register holds. */
    public int width() {
        int o = ordinal();
        if (o >= AL.ordinal() && o <= BH.ordinal()) return 1;
        if ((o >= AX.ordinal() && o <= DI.ordinal()) || isSegment()) return 2;
        return 4;
    }
}
