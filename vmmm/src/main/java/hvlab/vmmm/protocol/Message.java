package hvlab.vmmm.protocol;

import java.util.List;

/**
 * Every message hosts and the manager exchange, one record each (DESIGN.md section 12 draws the
 * sequences). The codec ({@link Codec}) knows each by a one-byte type; a message type the reader
 * does not know, or one whose fields do not add up, is a {@link ProtocolException}.
 *
 * <p>Three conversations use them, each on its own TLS connection:
 * <ul>
 *   <li>joining (manager to host): {@link Hello}, {@link QuoteRequest}, {@link QuoteReply};</li>
 *   <li>management (manager to host): {@link Call}, {@link Result}; a migration order
 *       ({@link Migrate}) answered by {@link Progress} events and one {@link Result};</li>
 *   <li>the migration stream (source host to target host): {@link Offer}, {@link Accept},
 *       ({@link DiskOffer} for a VM with a disk), {@link Pages} and {@link DiskChunk}..., {@link Finish},
 *       {@link Ready}, {@link Commit}, {@link Running};
 *       either side may send {@link Failure} instead of its next message.</li>
 * </ul>
 */
public sealed interface Message {
    /** Who is speaking: {@code role} is {@code manager} or {@code host}. */
    record Hello(String role, String name, int version) implements Message {}

    /** Asks a host for a quote of its TPM over a fresh nonce (paper IV.A.2). */
    record QuoteRequest(byte[] nonce) implements Message {}

    /** The quote's evidence (JSON of {@code vmm.attestation.Evidence}) and the key of the TPM's manufacturer CA (X.509). */
    record QuoteReply(byte[] evidenceJson, byte[] manufacturerKey) implements Message {}

    /** A management command for the host: {@code list}, {@code info VM}, {@code start VM}... */
    record Call(String command, List<String> args) implements Message {}

    /** The answer to a {@link Call} or a {@link Migrate}: JSON when it went well, else one error line. */
    record Result(boolean ok, String text) implements Message {}

    /** Orders the source host to migrate {@code vm} live to {@code target} at {@code address} (host:port). */
    record Migrate(String vm, String target, String address, boolean insecure, MigrationLimits limits) implements Message {}

    /** How a migration went so far: one per pre-copy round, and one at the stop. */
    record Progress(String phase, int round, int pages, long bytes, long roundMicros, double dirtyPagesPerSecond,
                    long estimatedDowntimeMicros) implements Message {}

    /** Source to target: a VM is coming ({@code definitionJson}: its {@code VmDefinition}; its placement's hosts been on and allowed; its history so far). */
    record Offer(String from, byte[] definitionJson, byte[] image, List<String> locations, List<String> allowedHosts,
                 List<String> history) implements Message {}

    /** Target to source: send it. */
    record Accept() implements Message {}

    /** Pages of the VM's RAM: {@code numbers[i]} is the page at {@code data[i*4096..]}. */
    record Pages(int round, int[] numbers, byte[] data) implements Message {}

    /** The VM is paused at the source: its machine state (VmStateCodec JSON) and history; all pages were sent. */
    record Finish(byte[] machine, List<String> history) implements Message {}

    /** Target to source: the VM is defined and its machine built, paused, waiting for {@link Commit}. */
    record Ready() implements Message {}

    /** Source to target: run it; the source gives its copy up once it hears {@link Running}. */
    record Commit() implements Message {}

    /** Target to source: it runs here now. */
    record Running(String host) implements Message {}

    /** Source to target, right after the {@link Offer} of a VM with a disk: the disk's size in bytes. */
    record DiskOffer(long bytes) implements Message {}

    /** A piece of the VM's disk at {@code offset}: all of it while the VM runs, then what changed, before {@link Finish}. */
    record DiskChunk(long offset, byte[] data) implements Message {}

    /**
     * Target to source, right after {@link Accept}: the key its TPM made for this arrival's vTPM
     * ({@code VtpmTransfer.ImportKey} as JSON: a P-256 key, certified by the TPM's attestation key,
     * and the chain up to its endorsement key).
     */
    record VtpmKey(byte[] importKeyJson) implements Message {}

    /** Source to target, at the stop, before {@link Finish}: the VM's vTPM sealed to that key (VtpmTransfer). */
    record VtpmState(byte[] sealed) implements Message {}

    /**
     * Replication (Remus; DESIGN.md section 13), primary host to backup host: keep a replica of
     * this VM, checkpointed every {@code epochMillis}. Answered by {@link Accept} or
     * {@link Failure}; then each epoch {@link Pages} (round = epoch) and one {@link Checkpoint}.
     */
    record ReplicaOffer(String from, byte[] definitionJson, byte[] image, List<String> allowedHosts, List<String> locations,
                        List<String> history, int epochMillis) implements Message {}

    /**
     * Closes epoch {@code epoch}'s checkpoint: {@code pages} pages came before it in {@link Pages}
     * of that epoch, and this is the machine state (VmStateCodec JSON) and console position.
     */
    record Checkpoint(int epoch, int pages, long consoleTotal, byte[] machine) implements Message {}

    /** Backup to primary: checkpoint {@code epoch} is whole and kept; its output may be released. */
    record CheckpointAck(int epoch) implements Message {}

    /**
     * Primary to backup, when no other message went for a while: this host's process is alive,
     * even if its checkpoints are late (a host busy with its disk, say), so no failover yet.
     */
    record Heartbeat() implements Message {}

    /** Either side: this conversation is over, and why (one line). */
    record Failure(String reason) implements Message {}
}
