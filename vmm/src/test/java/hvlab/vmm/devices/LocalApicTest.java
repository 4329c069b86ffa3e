package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The local APIC programmed through its registers, the way xv6's lapic.c does it. */
class LocalApicTest {
    static final int ID = 0x20, VER = 0x30, TPR = 0x80, PPR = 0xA0, EOI = 0xB0, SVR = 0xF0, ISR = 0x100, TMR = 0x180,
            IRR = 0x200, ESR = 0x280, ICRLO = 0x300, ICRHI = 0x310, TIMER = 0x320, PCINT = 0x340, LINT0 = 0x350,
            LINT1 = 0x360, ERROR = 0x370, TICR = 0x380, TCCR = 0x390, TDCR = 0x3E0;
    static final int MASKED = 0x10000, PERIODIC = 0x20000, ENABLE = 0x100;

    final InterruptController pic = new InterruptController();
    final LocalApic apic = new LocalApic(pic);

    int r(int register) {
        return apic.read(register, 4);
    }

    void w(int register, int value) {
        apic.write(register, 4, value);
    }

    /** xv6's lapicinit, register by register. */
    void lapicinit() {
        w(SVR, ENABLE | 0x3F);
        w(TDCR, 0xB);
        w(TIMER, PERIODIC | 0x20);
        w(TICR, 10_000_000);
        w(LINT0, MASKED);
        w(LINT1, MASKED);
        if (((r(VER) >> 16) & 0xFF) >= 4) w(PCINT, MASKED);
        w(ERROR, 0x33);
        w(ESR, 0);
        w(ESR, 0);
        w(EOI, 0);
        w(ICRHI, 0);
        w(ICRLO, 0x00080000 | 0x500 | 0x8000);
        assertEquals(0, r(ICRLO) & 0x1000, "delivery status idle");
        w(TPR, 0);
    }

    @Test
    void resetStateIsAPlainPcWithThe8259OnLint0() {
        assertEquals(0, r(ID));
        assertEquals(0x00050014, r(VER));
        assertEquals(0xFF, r(SVR));
        assertFalse(apic.softwareEnabled());
        assertEquals(0x700, r(LINT0));
        assertEquals(MASKED, r(TIMER));
        pic.raiseIrq(0); // masked at the 8259 by the BIOS state: nothing
        assertFalse(apic.hasPendingInterrupt());
        pic.master().write(0x21, 1, 0xFA);
        pic.raiseIrq(0);
        assertTrue(apic.hasPendingInterrupt());
        assertEquals(0x08, apic.acknowledge(), "the 8259's vector, through LINT0");
    }

    @Test
    void xv6TimerTicksEveryTenMillisecondsOfVirtualTimeAndWaitsForEoi() {
        lapicinit();
        assertFalse(apic.hasPendingInterrupt());
        assertEquals(10_000_000L, apic.nanosUntilNextInterrupt());
        apic.advance(4_000_000);
        assertEquals(6_000_000, r(TCCR));
        apic.advance(6_000_000);
        assertTrue(apic.hasPendingInterrupt());
        assertEquals(0x20, apic.acknowledge());
        assertEquals(1, r(ISR + 0x10) & 1, "vector 0x20 in service");
        apic.advance(10_000_000);
        assertFalse(apic.hasPendingInterrupt(), "its own class waits for EOI");
        assertEquals(1, r(IRR + 0x10) & 1);
        w(EOI, 0);
        assertTrue(apic.hasPendingInterrupt());
        assertEquals(0x20, apic.acknowledge());
        w(EOI, 0);
        apic.advance(35_000_000); // three expiries in one step merge into one request
        assertEquals(5, apic.timerExpirations());
        assertEquals(0x20, apic.acknowledge());
        assertFalse(apic.hasPendingInterrupt());
        assertEquals(5_000_000L, apic.nanosUntilNextInterrupt());
    }

    @Test
    void theDivideConfigurationSlowsTheCount() {
        assertEquals(1, ApicTimer.divisor(0xB));
        assertEquals(2, ApicTimer.divisor(0x0));
        assertEquals(16, ApicTimer.divisor(0x3));
        assertEquals(128, ApicTimer.divisor(0xA));
        w(SVR, ENABLE | 0xFF);
        w(TDCR, 0x3);
        w(TIMER, 0x40); // one-shot
        w(TICR, 1000);
        assertEquals(16_000L, apic.nanosUntilNextInterrupt());
        apic.advance(16_000);
        assertEquals(0x40, apic.acknowledge());
        assertEquals(0, r(TCCR), "a one-shot stops at zero");
        assertEquals(Pit8254.NEVER, apic.nanosUntilNextInterrupt());
    }

    @Test
    void priorityClassesTprAndEoiOrder() {
        w(SVR, ENABLE | 0xFF);
        w(LINT0, MASKED);
        apic.receive(0x31, false);
        apic.receive(0x52, false);
        assertEquals(0x52, apic.acknowledge());
        assertEquals(0x50, r(PPR));
        apic.receive(0x55, false);
        assertFalse(apic.hasPendingInterrupt(), "same class as the one in service");
        apic.receive(0x61, false);
        assertEquals(0x61, apic.acknowledge(), "a higher class nests");
        w(EOI, 0);
        assertFalse(apic.hasPendingInterrupt(), "0x52 is still in service");
        w(EOI, 0);
        assertEquals(0x55, apic.acknowledge());
        w(EOI, 0);
        w(TPR, 0x40);
        assertFalse(apic.hasPendingInterrupt(), "0x31 is below TPR");
        w(TPR, 0);
        assertEquals(0x31, apic.acknowledge());
    }

    @Test
    void softwareDisabledMasksEveryLvtAndAcceptsNothing() {
        w(TIMER, 0x30); // cannot unmask while disabled
        assertEquals(MASKED | 0x30, r(TIMER));
        apic.receive(0x40, false);
        assertFalse(apic.hasPendingInterrupt());
        w(SVR, ENABLE | 0xFF);
        w(TIMER, 0x30);
        w(SVR, 0xFF);
        assertEquals(MASKED | 0x30, r(TIMER), "disabling masks again");
    }

    @Test
    void icrGarbageAndIpisToOtherProcessorsDoNothing() {
        w(SVR, ENABLE | 0xFF);
        w(LINT0, MASKED);
        w(ICRHI, 0x01000000);
        w(ICRLO, 0x00004500);  // INIT to APIC 1: nobody there
        w(ICRLO, 0x00000608);  // STARTUP to APIC 1
        w(ICRLO, 0xFFFFFFFF);  // every bit: all excluding self, reserved mode
        assertEquals(0, r(ICRLO) & 0x1000);
        assertFalse(apic.hasPendingInterrupt());
        assertEquals(3, apic.ipisToNowhere());
        w(ICRLO, 0x00040045);  // fixed, vector 0x45, to self
        assertEquals(0x45, apic.acknowledge());
        w(EOI, 0);
        w(ERROR, 0x33);
        w(ICRLO, 0x00040005);  // an illegal vector: a send error, and the error interrupt
        w(ESR, 0);
        assertEquals(1 << 5, r(ESR));
        assertTrue(apic.hasPendingInterrupt());
    }

    @Test
    void hostileAccessesAreContained() {
        w(SVR, ENABLE | 0xFF);
        apic.write(TPR, 2, 0xFF);           // narrow: ignored
        apic.write(TPR + 1, 4, 0xFF);       // unaligned: ignored
        w(VER, 0);                          // read-only
        w(IRR, -1);                         // read-only
        assertEquals(0, r(TPR));
        assertEquals(0x00050014, r(VER));
        assertEquals(0, r(IRR));
        assertEquals(4, apic.ignoredWrites());
        assertEquals(0x14, apic.read(VER, 1));
        assertEquals(0x0005, apic.read(VER + 2, 2));
        assertEquals(0, apic.read(VER + 8, 4), "the rest of a 16-byte slot");
        assertEquals(0, r(0x3F0), "no register there");
        w(ESR, 0);
        assertEquals(1 << 7, r(ESR), "illegal register address");
        apic.receive(3, false);
        assertFalse(apic.hasPendingInterrupt(), "vectors below 16 are refused");
    }

    @Test
    void savesAndRestoresEverythingIncludingTheRunningTimer() throws Exception {
        lapicinit();
        apic.advance(13_000_000);
        apic.acknowledge();
        DeviceState saved = apic.save();
        LocalApic copy = new LocalApic(new InterruptController());
        copy.restore(saved);
        LocalApic.State a = (LocalApic.State) saved, b = (LocalApic.State) copy.save();
        assertArrayEquals(a.lvt(), b.lvt());
        assertArrayEquals(a.vectors(), b.vectors());
        assertEquals(a.timer(), b.timer());
        assertEquals(a.svr(), b.svr());
        assertEquals(r(TCCR), copy.read(TCCR, 4));
        assertEquals(r(ISR + 0x10), copy.read(ISR + 0x10, 4));
        copy.advance(7_000_000);
        copy.write(EOI, 4, 0);
        assertEquals(0x20, copy.acknowledge());
        assertThrows(IllegalArgumentException.class, () -> copy.restore(pic.master().save()));
    }
}
