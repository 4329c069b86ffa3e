package hvlab.vmm.trap;

import hvlab.cpu.StopReason;
import hvlab.vmm.VmExit;
import hvlab.vmm.interrupts.GuestEvent;

/**
 * Why the trap dispatcher stopped the CPU: the reason travels back to the VM's run loop in the
 * CPU's run result, so the loop learns it from the value it gets back, not from fields it polls.
 */
public sealed interface VmStop extends StopReason {

    /** The VM is over (the guest shut down, faulted beyond repair, or hit something not emulated). */
    record End(VmExit exit) implements VmStop {}

    /** HLT with interrupts enabled: nothing to run until an interrupt arrives. */
    record WaitForInterrupt() implements VmStop {}

    /**
     * An exception for the guest, found in a trap taken in the middle of a translated block
     * (SYSENTER on a CPU without it, a port the guest may not use): delivered now that the CPU
     * has stopped at a boundary. {@code event.returnEip()} is where the faulting instruction was.
     */
    record Deliver(GuestEvent event) implements VmStop {}

    /** Binary translation found sites to watch (or to stop watching) before the code runs on. */
    record Instrument() implements VmStop {}

    /**
     * An interrupt is pending and the guest's IF allows it (an EOI let the next one through, a
     * device raised its line): the CPU stops at the next boundary so the VMM can deliver it, as
     * a real CPU samples INTR between instructions. Weak: a real event found in the same run wins,
     * and the pending interrupt is delivered at the next boundary anyway.
     */
    record InterruptWindow() implements VmStop {
        @Override
        public boolean weak() {
            return true;
        }
    }

    /**
     * The VMM wants the real CPU's state checked at an exact boundary (the VM checks it after
     * every stop): a trap taken in the middle of a block saw flags it could not trust.
     */
    record Recheck() implements VmStop {
        @Override
        public boolean weak() {
            return true;
        }
    }

    /** The real MMU must follow the guest (paging on or off, another shadow, a TLB to empty): done with the CPU stopped. */
    record PagingMode() implements VmStop {}

    VmStop WAIT_FOR_INTERRUPT = new WaitForInterrupt();
    VmStop PAGING_MODE = new PagingMode();
    VmStop RECHECK = new Recheck();
    VmStop INSTRUMENT = new Instrument();
    VmStop INTERRUPT_WINDOW = new InterruptWindow();
}
