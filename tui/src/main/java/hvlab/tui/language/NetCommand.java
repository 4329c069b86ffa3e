package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code net}: the host's virtual switch and its private networks; {@link Language} adds the subcommands. */
@Command(name = "net", description = {"The host's virtual switch (paper IV.C.11): private networks that VMs' NICs plug into,",
        "a learning switch with port security, mirror ports to an IDS, and captures any port into a pcap file.",
        "A VM joins a network with 'vm create ... --net NET' or 'vm attach NAME NET' (GUESTS.md: the NIC)."})
final class NetCommand {
    @Mixin
    CommonOptions common;
}
