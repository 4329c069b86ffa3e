package hvlab.vmm;

/**
 * One VM exit as the trap log keeps it: what the guest did and what the VMM did about it.
 *
 * @param seq         the trap's number in the VM's life (1, 2, ...): gaps are traps not sampled
 * @param virtualNanos the VM's virtual time when it happened
 * @param eip         where the guest was
 * @param kind        the counter it was counted in ({@link TrapKind#label()}), or "stop" for none
 * @param instruction the guest's instruction, decoded ("cli", "out dx, al"), or what arrived
 *                    ("#GP(0x0)", "port 0x3f8 write 0x41")
 * @param action      what the VMM did ("emulated", "returned 0xff", "delivered #GP to the guest")
 */
public record TrapRecord(long seq, long virtualNanos, long eip, String kind, String instruction, String action) {}
