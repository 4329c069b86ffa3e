package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmDefinition;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The backup's half of replication: the VM is defined here and its machine built, shut off; each
 * checkpoint's pages are held until its {@link Finish} has come whole, and only then laid into
 * the machine's RAM, so that what the backup holds is always one complete instant of the VM,
 * never half of the next. If the primary falls silent (the stream ends, or no checkpoint comes
 * for {@link #SILENCE_MILLIS}), the backup takes up the last checkpoint and runs the VM: failover.
 * If the primary says it stopped, the copy is thrown away.
 *
 * <p>Like Remus, this assumes the primary fails by stopping: a cut link with the primary still
 * alive would leave the VM running in two places, which is why Remus runs the heartbeat over a
 * link that is not the network the VMs use.
 */
public final class Backup {
    static final long SILENCE_MILLIS = 3_000;

    private final Host host;
    private final Frames link;

    public Backup(Host host, Frames link) {
        this.host = host;
        this.link = link;
    }

    public void serve(String primary) throws IOException {
        Message first = link.receive();
        if (!(first instanceof Offer offer)) {
            link.send(new Failure("a replica starts with an Offer"));
            return;
        }
        VmDefinition definition;
        try {
            definition = Json.MAPPER.readValue(offer.definitionJson(), VmDefinition.class);
        } catch (IOException e) {
            link.send(new Failure("the offered VM's definition is not valid"));
            return;
        }
        if (definition.name() == null || definition.memoryBytes() <= 0 || definition.memoryBytes() > hvlab.vmmm.migration.Arrival.MAX_RAM
                || definition.memoryBytes() % Codec.PAGE != 0) {
            link.send(new Failure("the offered VM's memory size is not 4 KiB pages up to 1 GiB"));
            return;
        }
        Placement placement = new Placement(offer.allowedHosts(), offer.locations());
        if (placement.refusal(definition.name(), host.name()) != null) {
            link.send(new Failure(placement.refusal(definition.name(), host.name())));
            return;
        }
        String vm = definition.name();
        try {
            host.prepareArrival(definition, offer.image(), offer.history());
        } catch (HostException e) {
            link.send(new Failure(e.getMessage()));
            return;
        }
        link.send(new Accept());
        long pageCount = definition.memoryBytes() / Codec.PAGE;
        Finish last = null;
        long epochs = 0;
        List<Pages> pending = new ArrayList<>();
        try {
            while (true) {
                Message message = link.receive(SILENCE_MILLIS);
                switch (message) {
                    case Pages pages -> {
                        for (int n : pages.numbers()) {
                            if (n < 0 || n >= pageCount) throw new IOException("page " + n + " is not a page of the VM");
                        }
                        pending.add(pages);
                    }
                    case Finish finish -> {
                        for (Pages pages : pending) { // the checkpoint is whole: now it may replace the last one
                            for (int i = 0; i < pages.numbers().length; i++) {
                                host.arrivingPage(vm, pages.numbers()[i], Arrays.copyOfRange(pages.data(), i * Codec.PAGE, (i + 1) * Codec.PAGE));
                            }
                        }
                        pending.clear();
                        last = finish;
                        epochs++;
                        link.send(new Ready());
                    }
                    case Failure stopped -> {
                        host.abandonArrival(vm);
                        return;
                    }
                    default -> throw new IOException(message.getClass().getSimpleName() + " in a replication stream");
                }
            }
        } catch (IOException | RuntimeException silent) {
            if (last == null) {
                host.abandonArrival(vm);
                return;
            }
            failover(vm, primary, last, epochs, String.valueOf(silent.getMessage()));
        }
    }

    /** The primary fell silent: the VM runs here from its last complete checkpoint. */
    private void failover(String vm, String primary, Finish last, long epochs, String why) {
        host.arrive(vm, last.machine(), last.history());
        host.runArrived(vm);
        Placement.read(host.store().folder(vm), primary).arrivedAt(host.name()).write(host.store().folder(vm));
        host.record(vm, "failover", Map.of("from", primary, "checkpoint", epochs, "reason", why, "actor", "replication"));
    }
}
