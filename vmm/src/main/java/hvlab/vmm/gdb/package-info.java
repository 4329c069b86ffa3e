/**
 * A gdb stub: the GDB Remote Serial Protocol (RSP) served on a local TCP port, so that
 * {@code gdb -ex 'target remote :P'} debugs a guest kernel as if it ran on a board with a JTAG
 * probe. This is what QEMU's {@code -s} offers, and what VMware and Xen offer for their guests.
 *
 * <p>RSP is a conversation of small text packets, {@code $body#cc} with a two-digit checksum,
 * each acknowledged with {@code +} (or {@code -}: send it again). gdb asks ({@code g}: all
 * registers; {@code m addr,len}: memory; {@code Z0,addr,kind}: a breakpoint; {@code c}: go on)
 * and the stub answers; a run ends with a stop reply ({@code T05...}) when the guest reaches a
 * breakpoint or gdb's user types Ctrl-C (the single byte 0x03, outside any packet).
 *
 * <p>Layers, from the wire inwards: {@link hvlab.vmm.gdb.PacketReader} and
 * {@link hvlab.vmm.gdb.Rsp} (framing), {@link hvlab.vmm.gdb.Requests} (text to
 * {@link hvlab.vmm.gdb.Request} records), {@link hvlab.vmm.gdb.GdbSession} (requests to answers
 * against a {@link hvlab.vmm.gdb.DebugTarget}), {@link hvlab.vmm.gdb.GdbServer} (the socket). Only
 * the target knows about VMs: the protocol is tested against a made-up one.
 */
package hvlab.vmm.gdb;
