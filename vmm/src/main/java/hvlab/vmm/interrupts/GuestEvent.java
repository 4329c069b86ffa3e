package hvlab.vmm.interrupts;

/**
 * Something to deliver through the guest's IDT (SDM Vol. 3, 6.3): an exception the guest caused,
 * a software interrupt it asked for ({@code int n}), or an external interrupt from a virtual device.
 *
 * @param returnEip   where the guest resumes after its handler's IRET: the faulting instruction
 *                    for a fault, the next one for a trap or software interrupt, the interrupted
 *                    one for an external interrupt
 * @param errorCode   pushed after EIP for the vectors that have one, or {@link #NO_ERROR_CODE}
 * @param instruction for a software interrupt, the address of the INT instruction itself: if
 *                    delivery fails (a gate the caller may not use), the #GP names it
 */
public record GuestEvent(int vector, long returnEip, int errorCode, Source source, long instruction) {
    public static final int NO_ERROR_CODE = -1;

    public enum Source { EXCEPTION, SOFTWARE, EXTERNAL }

    public static GuestEvent exception(int vector, int errorCode, long eip) {
        return new GuestEvent(vector, eip, hasErrorCode(vector) ? errorCode : NO_ERROR_CODE, Source.EXCEPTION, eip);
    }

    public static GuestEvent software(int vector, long nextEip, long instruction) {
        return new GuestEvent(vector, nextEip, NO_ERROR_CODE, Source.SOFTWARE, instruction);
    }

    public static GuestEvent external(int vector, long eip) {
        return new GuestEvent(vector, eip, NO_ERROR_CODE, Source.EXTERNAL, eip);
    }

    /** #DF, #TS, #NP, #SS, #GP, #PF, #AC and #CP push an error code (SDM Vol. 3, Table 6-1). */
    public static boolean hasErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
    }
}
