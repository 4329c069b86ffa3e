package hvlab.vmm.containment;

import hvlab.vmm.boot.BootLayout;

import java.util.SplittableRandom;

/**
 * The values a fuzzer should try far more often than chance would: the edges of guest RAM, the
 * VMM's own region and its selectors, the guest's tables, the 4 GiB wrap. A uniformly random
 * 32-bit number almost never lands on a boundary; attacks always do.
 */
final class FuzzValues {
    /** The VMM's own selectors and their neighbours (the last GDT entries), with every RPL. */
    private static final int[] VMM_SELECTORS = {BootLayout.VMM_TSS, BootLayout.VMM_CODE, BootLayout.VMM_DATA, 0xFFE0, 0xFFFC};

    private final SplittableRandom random;
    private final long ram;
    private final FuzzLayout layout;

    FuzzValues(SplittableRandom random, long ram, FuzzLayout layout) {
        this.random = random;
        this.ram = ram;
        this.layout = layout;
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    int between(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** An address worth writing to or reading from, or a value worth putting in a register. */
    long address() {
        return switch (random.nextInt(14)) {
            case 0 -> 0;
            case 1 -> ram - between(1, 8);
            case 2 -> ram + between(0, 8);
            case 3 -> BootLayout.VMM_REGION + between(0, 64) * 8L;
            case 4 -> BootLayout.VMM_REGION - between(0, 16);
            case 5 -> BootLayout.VMM_REGION + 0xFFF0 + between(0, 16);
            case 6 -> BootLayout.TRAMPOLINE + between(0, 0x110);
            case 7 -> BootLayout.TSS + between(0, 0x70);
            case 8 -> 0x100000000L - between(1, 8);
            case 9 -> layout.scratch() + between(0, 0x200);
            case 10 -> layout.gdt() + between(0, 0x40);
            case 11 -> layout.idt() + between(0, 0x800);
            case 12 -> layout.tss() + between(0, 0x70);
            default -> random.nextLong(1L << 32);
        } & 0xFFFFFFFFL;
    }

    /** A count for REP or a length: tiny, huge, or one that crosses a boundary part way. */
    long count() {
        return switch (random.nextInt(6)) {
            case 0 -> between(0, 4);
            case 1 -> between(5, 64);
            case 2 -> 0xFFFFFFFFL;
            case 3 -> 1L << between(10, 31);
            case 4 -> 0x10000 + between(0, 16);
            default -> random.nextLong(1L << 32);
        };
    }

    /** A segment selector: the guest's own, the VMM's, null, beyond the table, any RPL and table bit. */
    int selector() {
        int selector = switch (random.nextInt(6)) {
            case 0 -> VMM_SELECTORS[random.nextInt(VMM_SELECTORS.length)];
            case 1 -> 0;
            case 2 -> random.nextInt(0x10000);
            default -> random.nextInt(FuzzLayout.GDT_ENTRIES + 2) << 3;
        };
        return selector | random.nextInt(4) | (chance(5) ? 4 : 0);
    }

    /** A port: mostly ones a device answers (COM1, the PICs, the PIT, the debug exit), sometimes any. */
    int port() {
        int[] devices = {0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x20, 0x21, 0xA0, 0xA1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x64,
            0xF4, 0xFFFF};
        return chance(80) ? devices[random.nextInt(devices.length)] : random.nextInt(0x10000);
    }

    /** An EFLAGS image: mostly harmless, with IOPL, VM, NT, IF and TF each set at random. */
    int flags() {
        int flags = 0x2;
        if (chance(50)) flags |= 0x200;
        if (chance(30)) flags |= random.nextInt(4) << 12;
        if (chance(15)) flags |= 1 << 17;
        if (chance(10)) flags |= 1 << 14;
        if (chance(5)) flags |= 1 << 8;
        if (chance(10)) flags = random.nextInt();
        return flags;
    }

    long any32() {
        return random.nextLong(1L << 32);
    }

    long any64() {
        return random.nextLong();
    }
}
