package hvlab.vmm.gdb;

/** What arrives from the client, one unit at a time ({@link PacketReader}). */
public sealed interface Incoming {
    /** A well-formed packet with a correct checksum: acknowledge it with {@code +} and answer. */
    record Packet(String body) implements Incoming {}

    /** A packet that arrived damaged (bad checksum, no checksum digits): ask again with {@code -}. */
    record Damaged(String why) implements Incoming {}

    /** A packet longer than {@link Rsp#MAX_BODY}: skipped whole and refused, never held in memory. */
    record TooLong() implements Incoming {}

    /** Ctrl-C (0x03) outside a packet: interrupt the running target. */
    record Interrupt() implements Incoming {}

    /** {@code +}: the client got our last packet. */
    record Ack() implements Incoming {}

    /** {@code -}: the client wants our last packet again. */
    record Nack() implements Incoming {}

    /** The connection closed. */
    record End() implements Incoming {}
}
