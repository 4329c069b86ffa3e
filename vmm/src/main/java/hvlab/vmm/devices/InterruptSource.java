package hvlab.vmm.devices;

/**
 * What the CPU sees of an interrupt controller: its INTR pin and its interrupt acknowledge cycle.
 * A PC has had two kinds: the 8259A pair ({@link InterruptController}) and, since the P6, the
 * local APIC ({@link LocalApic}), which takes over once the guest enables it and passes the
 * 8259's requests on through its LINT0 pin while that pin is programmed for them. The VM asks
 * whichever its platform names ({@link PcPlatform#interrupts()}) and never which one it is.
 */
public interface InterruptSource {

    /** Is an interrupt waiting that the CPU would take now (its IF permitting)? */
    boolean hasPendingInterrupt();

    /**
     * The CPU takes the interrupt: returns its vector and moves it into service. Called only
     * when {@link #hasPendingInterrupt()} said yes; a controller whose request vanished in
     * between answers with its spurious vector.
     */
    int acknowledge();
}
