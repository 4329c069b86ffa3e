package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The 8259A pair, programmed through its ports the way a guest kernel does. */
class InterruptControllerTest {
    private static final int OCW2_EOI = 0x20;
    private static final int OCW3_READ_IRR = 0x0A;
    private static final int OCW3_READ_ISR = 0x0B;

    private final List<Boolean> intr = new ArrayList<>();
    private final InterruptController pic = new InterruptController(intr::add);
    private final IoBus bus = new IoBus();

    InterruptControllerTest() {
        pic.devices().forEach(bus::attach);
    }

    private void out(int port, int value) {
        bus.write(port, 1, value);
    }

    private int in(int port) {
        return bus.read(port, 1);
    }

    /** Linux's {@code init_8259A}: IRQ0-7 at 0x20, IRQ8-15 at 0x28; then everything unmasked. */
    private void remapLikeLinux() {
        out(0x20, 0x11);
        out(0x21, 0x20);
        out(0x21, 0x04);
        out(0x21, 0x01);
        out(0xA0, 0x11);
        out(0xA1, 0x28);
        out(0xA1, 0x02);
        out(0xA1, 0x01);
        out(0x21, 0x00);
        out(0xA1, 0x00);
    }

    @Test
    void startsAsTheBiosLeavesItWithEverythingMasked() {
        assertEquals(0x08, pic.master().registers().vectorBase());
        assertEquals(0x70, pic.slave().registers().vectorBase());
        assertEquals(0xFB, in(0x21));
        assertEquals(0xFF, in(0xA1));
        pic.raiseIrq(0);
        pic.raiseIrq(14);
        assertFalse(pic.hasPendingInterrupt());
    }

    @Test
    void icwSequenceSetsTheVectorBase() {
        remapLikeLinux();
        pic.raiseIrq(0);
        assertTrue(pic.hasPendingInterrupt());
        assertEquals(0x20, pic.acknowledge());
        out(0x20, OCW2_EOI);
        out(0x20, 0x11);
        out(0x21, 0x47); // bits 2-0 of ICW2 are ignored in 8086 mode: the level goes there
        out(0x21, 0x04);
        out(0x21, 0x01);
        pic.lowerIrq(0);
        pic.raiseIrq(5);
        assertEquals(0x45, pic.acknowledge());
    }

    @Test
    void icw1ClearsTheMaskAndForgetsOldRequests() {
        pic.raiseIrq(3); // masked, but latched in IRR
        assertEquals(0x08, in(0x20) & 0x08);
        remapLikeLinux();
        assertEquals(0, in(0x20));
        assertFalse(pic.hasPendingInterrupt());
    }

    @Test
    void maskedIrqsAreNotDeliveredButStayRequested() {
        remapLikeLinux();
        out(0x21, 0x02);
        pic.raiseIrq(1);
        assertFalse(pic.hasPendingInterrupt());
        assertEquals(0x02, in(0x21));
        out(0x20, OCW3_READ_IRR);
        assertEquals(0x02, in(0x20));
        out(0x21, 0x00);
        assertTrue(pic.hasPendingInterrupt());
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void lowerNumberWinsAndInServiceLevelsBlockLowerPriorities() {
        remapLikeLinux();
        pic.raiseIrq(5);
        pic.raiseIrq(3);
        pic.raiseIrq(6);
        assertEquals(0x23, pic.acknowledge());
        assertFalse(pic.hasPendingInterrupt(), "IRQ3 in service holds back 5 and 6");
        out(0x20, OCW2_EOI);
        assertEquals(0x25, pic.acknowledge());
        out(0x20, OCW2_EOI);
        assertEquals(0x26, pic.acknowledge());
        out(0x20, OCW2_EOI);
        assertFalse(pic.hasPendingInterrupt());
    }

    @Test
    void eoiClearsIsrAndLetsALowerPriorityIrqThrough() {
        remapLikeLinux();
        pic.raiseIrq(0);
        pic.raiseIrq(4);
        assertEquals(0x20, pic.acknowledge());
        out(0x20, OCW3_READ_ISR);
        assertEquals(0x01, in(0x20));
        out(0x20, OCW3_READ_IRR);
        assertEquals(0x10, in(0x20));
        assertFalse(pic.hasPendingInterrupt());
        out(0x20, OCW2_EOI);
        out(0x20, OCW3_READ_ISR);
        assertEquals(0x00, in(0x20));
        assertTrue(pic.hasPendingInterrupt());
        assertEquals(0x24, pic.acknowledge());
    }

    @Test
    void aHigherPriorityIrqNestsInsideALowerOneAndNonSpecificEoiEndsTheInnerOne() {
        remapLikeLinux();
        pic.raiseIrq(5);
        assertEquals(0x25, pic.acknowledge());
        pic.raiseIrq(1);
        assertEquals(0x21, pic.acknowledge());
        assertEquals(0x22, pic.master().registers().isr());
        out(0x20, OCW2_EOI);
        assertEquals(0x20, pic.master().registers().isr());
    }

    @Test
    void aLevelInServiceIsNotReenteredByItsOwnNextRequest() {
        remapLikeLinux();
        pic.pulseIrq(3);
        assertEquals(0x23, pic.acknowledge());
        pic.pulseIrq(3);
        assertFalse(pic.hasPendingInterrupt());
        out(0x20, OCW2_EOI);
        assertEquals(0x23, pic.acknowledge());
    }

    @Test
    void specificEoiClearsTheNamedLevel() {
        remapLikeLinux();
        pic.raiseIrq(5);
        pic.acknowledge();
        pic.raiseIrq(1);
        pic.acknowledge();
        out(0x20, 0x60 | 5);
        assertEquals(0x02, pic.master().registers().isr());
    }

    @Test
    void slaveIrqsArriveAtSlaveBasePlusNThroughTheCascade() {
        remapLikeLinux();
        pic.raiseIrq(12);
        assertTrue(pic.hasPendingInterrupt());
        assertEquals(0x2C, pic.acknowledge());
        assertEquals(0x04, pic.master().registers().isr());
        assertEquals(0x10, pic.slave().registers().isr());
        pic.raiseIrq(3);
        assertFalse(pic.hasPendingInterrupt(), "IRQ8-15 rank between IRQ1 and IRQ3");
        pic.raiseIrq(1);
        assertEquals(0x21, pic.acknowledge());
        out(0x20, OCW2_EOI);
        out(0xA0, OCW2_EOI);
        out(0x20, OCW2_EOI);
        assertEquals(0, pic.slave().registers().isr());
        assertEquals(0, pic.master().registers().isr());
        assertEquals(0x23, pic.acknowledge());
    }

    @Test
    void aSecondSlaveRequestWaitsForTheCascadeEoi() {
        remapLikeLinux();
        pic.raiseIrq(14);
        pic.raiseIrq(8);
        assertEquals(0x28, pic.acknowledge());
        assertFalse(pic.hasPendingInterrupt());
        out(0xA0, OCW2_EOI);
        out(0x20, OCW2_EOI);
        assertEquals(0x2E, pic.acknowledge());
    }

    @Test
    void acknowledgeWithNothingPendingIsSpuriousIrq7() {
        remapLikeLinux();
        pic.raiseIrq(4);
        assertTrue(pic.hasPendingInterrupt());
        out(0x21, 0x10); // masked between INTR and INTA
        assertEquals(0x27, pic.acknowledge());
        assertEquals(0, pic.master().registers().isr());
        assertEquals(1, pic.spuriousInterrupts());
    }

    @Test
    void aVanishedSlaveRequestIsSpuriousIrq15AndTheMasterStillNeedsEoi() {
        remapLikeLinux();
        pic.raiseIrq(10);
        out(0xA1, 0x04); // the slave's INT drops, the master's IR2 edge is already latched
        assertTrue(pic.hasPendingInterrupt());
        assertEquals(0x2F, pic.acknowledge());
        assertEquals(0x04, pic.master().registers().isr());
        assertEquals(0, pic.slave().registers().isr());
        assertEquals(1, pic.spuriousInterrupts());
    }

    @Test
    void edgeTriggeredInputsLatchOneRequestPerRisingEdge() {
        remapLikeLinux();
        pic.raiseIrq(1);
        assertEquals(0x21, pic.acknowledge());
        pic.raiseIrq(1);
        out(0x20, OCW2_EOI);
        assertFalse(pic.hasPendingInterrupt(), "a line held high is one request");
        pic.lowerIrq(1);
        pic.pulseIrq(1);
        assertTrue(pic.hasPendingInterrupt(), "the request outlives the pulse");
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void isaIrq2IsRedirectedToIrq9() {
        remapLikeLinux();
        pic.raiseIrq(2);
        assertEquals(0x29, pic.acknowledge());
    }

    @Test
    void theMasterIntOutputIsTheCpuIntrPin() {
        remapLikeLinux();
        intr.clear();
        pic.raiseIrq(11);
        pic.acknowledge();
        assertEquals(List.of(true, false), intr);
    }

    @Test
    void pollCommandReadsTheLevelAndActsAsAcknowledge() {
        remapLikeLinux();
        pic.raiseIrq(3);
        out(0x20, 0x0C);
        assertEquals(0x83, in(0x20));
        assertEquals(0x08, pic.master().registers().isr());
        out(0x20, 0x0C);
        assertEquals(0x00, in(0x20));
    }

    @Test
    void autoEoiLeavesNothingInService() {
        remapLikeLinux();
        out(0x20, 0x11);
        out(0x21, 0x20);
        out(0x21, 0x04);
        out(0x21, 0x03);
        pic.raiseIrq(0);
        pic.raiseIrq(6);
        assertEquals(0x20, pic.acknowledge());
        assertEquals(0, pic.master().registers().isr());
        assertEquals(0x26, pic.acknowledge());
    }

    @Test
    void setPriorityCommandRotatesTheOrder() {
        remapLikeLinux();
        out(0x20, 0xC0 | 4); // IR4 lowest, so IR5 is now highest
        pic.raiseIrq(0);
        pic.raiseIrq(5);
        assertEquals(0x25, pic.acknowledge());
    }

    @Test
    void irqNumbersOutsideTheIsaBusAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> pic.raiseIrq(16));
        assertThrows(IllegalArgumentException.class, () -> pic.line(-1));
    }
}
