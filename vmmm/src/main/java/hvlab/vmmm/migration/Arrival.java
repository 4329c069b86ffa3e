package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmDefinition;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.protocol.ProtocolException;

import java.io.IOException;
import java.util.Arrays;

/**
 * The target side of a live migration: takes the pages of every round into a page set (a later
 * round's copy of a page replaces the earlier one), then the machine state, builds the VM paused,
 * says {@link Ready}, and runs it only on {@link Commit}. A source that goes away before the commit
 * leaves nothing behind here: the half-built VM is powered off and its definition removed, because
 * the source still runs the real one.
 *
 * <p>The source is not trusted with this host's memory: a VM of more than {@link #MAX_RAM} is
 * refused at the offer, every page number is checked against the VM's size, and a frame is never
 * larger than {@link Frames#MAX_FRAME}.
 */
public final class Arrival {
    public static final long MAX_RAM = 1L << 30;
    /** How long the target waits for the commit once it is ready: the source decides within a moment. */
    static final long COMMIT_MILLIS = 10_000;

    private final Host host;
    private final Frames link;
    /** The VM's vTPM as it came, sealed to this host's TPM. */
    private byte[] vtpm;

    public Arrival(Host host, Frames link) {
        this.host = host;
        this.link = link;
    }

    /** Serves one migration whose {@link Offer} came in; returns the VM's name once it runs here. */
    public String serve(Offer offer, String provenPeer) throws IOException {
        VmDefinition definition;
        try {
            definition = Json.MAPPER.readValue(offer.definitionJson(), VmDefinition.class);
        } catch (IOException e) {
            throw refuse("the offered VM's definition is not valid: " + firstLine(e.getMessage()));
        }
        if (definition.name() == null || definition.memoryBytes() <= 0 || definition.memoryBytes() > MAX_RAM
                || definition.memoryBytes() % Codec.PAGE != 0) {
            throw refuse("the offered VM's memory size " + definition.memoryBytes() + " is not 4 KiB pages up to " + (MAX_RAM >> 20) + " MiB");
        }
        String vm = definition.name();
        Placement placement = new Placement(offer.allowedHosts(), offer.locations());
        if (placement.refusal(vm, host.name()) != null) {
            throw refuse(placement.refusal(vm, host.name())); // the source checks first; a target checks too
        }
        long diskBytes = 0;
        if (definition.disk() != null) {
            Message next = link.receive();
            if (!(next instanceof DiskOffer d)) {
                throw refuse("the offer of a VM with a disk must be followed by its size, not " + next.getClass().getSimpleName());
            }
            diskBytes = d.bytes();
        }
        try {
            host.prepareArrival(definition, offer.image(), offer.history(), diskBytes); // while the VM still runs at the source
        } catch (HostException e) {
            throw refuse(e.getMessage());
        }
        String from = provenPeer != null ? provenPeer : offer.from() + " (unauthenticated)";
        try {
            placement.arrivedAt(host.name()).write(host.store().folder(vm));
            link.send(new Accept());
            link.send(new VtpmKey(Json.MAPPER.writeValueAsBytes(host.vtpmImportKey(vm))));
            Finish finish = receivePages(definition);
            if (vtpm == null) {
                throw refuse("the vTPM of '" + vm + "' did not come before its machine state");
            }
            try {
                host.arrive(vm, finish.machine(), finish.history(), vtpm);
            } catch (HostException e) {
                throw refuse(e.getMessage());
            }
            link.send(new Ready());
            PreCopy.expect(link.receive(COMMIT_MILLIS), Commit.class, from);
            host.runArrived(vm);
        } catch (IOException | RuntimeException e) {
            discard(vm);
            throw e;
        }
        try {
            link.send(new Running(host.name()));
        } finally {
            host.recordArrival(vm, "migration", from); // after the downtime: these are forced to disk
        }
        return vm;
    }

    /**
     * Every round's pages straight into the arriving machine's RAM (a later copy of a page
     * overwrites the earlier one: Clark's target does the same), up to {@link Finish}.
     */
    private Finish receivePages(VmDefinition definition) throws IOException {
        long pageCount = definition.memoryBytes() / Codec.PAGE;
        while (true) {
            Message message = link.receive();
            if (message instanceof Pages pages) {
                for (int i = 0; i < pages.numbers().length; i++) {
                    int n = pages.numbers()[i];
                    if (n < 0 || n >= pageCount) {
                        throw refuse("page " + n + " is not a page of the VM's " + (definition.memoryBytes() >> 10) + " KiB");
                    }
                    host.arrivingPage(definition.name(), n, Arrays.copyOfRange(pages.data(), i * Codec.PAGE, (i + 1) * Codec.PAGE));
                }
            } else if (message instanceof DiskChunk chunk && definition.disk() != null) {
                try {
                    host.arrivingDisk(definition.name(), chunk.offset(), chunk.data());
                } catch (HostException e) {
                    throw refuse(e.getMessage());
                }
            } else if (message instanceof VtpmState state && vtpm == null) {
                vtpm = state.sealed(); // opened by this host's TPM with the machine state, at Finish
            } else if (message instanceof Finish f) {
                return f;
            } else if (message instanceof Failure f) {
                throw new MigrationException("the source gave up: " + f.reason());
            } else {
                throw refuse(message.getClass().getSimpleName() + " in the middle of the pages");
            }
        }
    }

    private void discard(String vm) {
        try {
            host.abandonArrival(vm);
        } catch (RuntimeException ignored) {
            // gone already
        }
    }

    private ProtocolException refuse(String reason) {
        try {
            link.send(new Failure(reason));
        } catch (IOException ignored) {
            // the source will see the connection close instead
        }
        return new ProtocolException(reason);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
