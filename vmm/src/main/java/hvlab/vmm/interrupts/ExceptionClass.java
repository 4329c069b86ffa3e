package hvlab.vmm.interrupts;

/**
 * The three classes of exception the processor distinguishes when a second exception arrives
 * while it delivers a first (SDM Vol. 3, 6.15, Tables 6-4 and 6-5). Only some pairs are serious
 * enough for a double fault; the rest are simply handled one after the other.
 */
enum ExceptionClass {
    /** Everything else: #DB, NMI, #BP, #OF, #BR, #UD, #NM, #MF, #AC, #MC, #XM, and all interrupts. */
    BENIGN,
    /** #DE, #TS, #NP, #SS and #GP. */
    CONTRIBUTORY,
    /** #PF. */
    PAGE_FAULT;

    static ExceptionClass of(GuestEvent event) {
        if (event.source() != GuestEvent.Source.EXCEPTION) {
            return BENIGN;
        }
        return switch (event.vector()) {
            case 0, 10, 11, 12, 13 -> CONTRIBUTORY;
            case 14 -> PAGE_FAULT;
            default -> BENIGN;
        };
    }

    /** Does {@code second}, raised while delivering {@code first}, make a double fault (Table 6-5)? */
    static boolean doubleFault(GuestEvent first, GuestEvent second) {
        ExceptionClass a = of(first);
        ExceptionClass b = of(second);
        return (a == CONTRIBUTORY && b == CONTRIBUTORY)
                || (a == PAGE_FAULT && (b == CONTRIBUTORY || b == PAGE_FAULT));
    }
}
