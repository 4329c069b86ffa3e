package hvlab.tui.language;

import hvlab.vmm.host.PowerAction;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of the management language (DESIGN.md section 8) and the commands behind them.
 *
 * <p>Each top-level word ({@code vm}, {@code wait}, ...) is a picocli command line of its own, so
 * its help reads {@code vm start NAME}, as you type it in the shell. Picocli fills a command's
 * fields when it parses, so every line gets a fresh tree: nothing one line set can leak into
 * the next, and two threads (the shell and, later, the UI) never share one.
 */
public final class Language {
    private Language() {}

    /** The top-level words, in the order {@code help} lists them; {@code exit} is {@code quit}. */
    public static Map<String, CommandLine> commands() {
        Map<String, CommandLine> top = new LinkedHashMap<>();
        top.put("vm", vm());
        top.put("snapshot", snapshot());
        top.put("image", image());
        top.put("vmi", vmi());
        top.put("log", log());
        top.put("user", line(new UserCommand()));
        top.put("covert", line(new CovertCommand()));
        top.put("threat", line(new ThreatLineCommand()));
        top.put("tpm", tpm());
        top.put("net", net());
        top.put("attest", line(new AttestCommand()));
        top.put("wait", line(new WaitCommand()));
        CommandLine expect = line(new ExpectCommand());
        // everything after "expect fails" is the other command's, options included
        expect.getSubcommands().get("fails").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        top.put("expect", expect);
        CommandLine dc = line(new DcLineCommand());
        dc.setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true); // the manager's options are its own, in order
        top.put("dc", dc);
        top.put("help", line(new HelpCommand()));
        CommandLine quit = line(new QuitCommand());
        top.put("quit", quit);
        top.put("exit", quit);
        return top;
    }

    private static CommandLine vm() {
        CommandLine vm = line(new VmCommand());
        vm.addSubcommand("create", line(new VmCreateCommand()));
        for (PowerAction action : List.of(PowerAction.START, PowerAction.PAUSE, PowerAction.RESUME, PowerAction.RESET)) {
            vm.addSubcommand(action.label(), power(action));
        }
        vm.addSubcommand("shutdown", line(new VmShutdownCommand()));
        vm.addSubcommand("poweroff", power(PowerAction.POWEROFF));
        vm.addSubcommand("destroy", power(PowerAction.DESTROY));
        vm.addSubcommand("undefine", line(new VmUndefineCommand()));
        vm.addSubcommand("list", line(new VmListCommand()));
        vm.addSubcommand("info", line(new VmInfoCommand()));
        vm.addSubcommand("console", line(new VmConsoleCommand()));
        vm.addSubcommand("screen", line(new VmScreenCommand()));
        vm.addSubcommand("send", line(new VmSendCommand()));
        vm.addSubcommand("clone", line(new VmCloneCommand()));
        vm.addSubcommand("history", line(new VmHistoryCommand()));
        vm.addSubcommand("traps", line(new VmTrapsCommand()));
        vm.addSubcommand("gdb", line(new VmGdbCommand()));
        vm.addSubcommand("backup", line(new VmBackupCommand()));
        vm.addSubcommand("restore", line(new VmRestoreCommand()));
        vm.addSubcommand("attach", line(new VmAttachCommand()));
        vm.addSubcommand("detach", line(new VmDetachCommand()));
        vm.addSubcommand("migrate", line(new VmMigrateCommand()));
        vm.addSubcommand("recording", line(new VmRecordingCommand()));
        vm.addSubcommand("replay", line(new VmReplayCommand()));
        vm.addSubcommand("iotune", line(new VmIotuneCommand()));
        return vm;
    }

    private static CommandLine vmi() {
        CommandLine vmi = line(new VmiCommand());
        vmi.addSubcommand("regs", line(new VmiRegsCommand()));
        vmi.addSubcommand("read", line(new VmiReadCommand()));
        vmi.addSubcommand("idt", line(new VmiIdtCommand()));
        vmi.addSubcommand("integrity", line(new VmiIntegrityCommand()));
        vmi.addSubcommand("scan", line(new VmiScanCommand()));
        vmi.addSubcommand("restore", line(new VmiRestoreCommand()));
        vmi.addSubcommand("write", line(new VmiWriteCommand()));
        vmi.addSubcommand("ps", line(new VmiPsCommand()));
        vmi.addSubcommand("lies", line(new VmiLiesCommand()));
        vmi.addSubcommand("kernel", line(new VmiKernelCommand()));
        vmi.addSubcommand("kill", line(new VmiKillCommand()));
        vmi.addSubcommand("watch", line(new VmiWatchCommand()));
        return vmi;
    }

    private static CommandLine log() {
        CommandLine log = line(new LogCommand());
        log.addSubcommand("show", line(new LogShowCommand()));
        log.addSubcommand("verify", line(new LogVerifyCommand()));
        return log;
    }

    private static CommandLine image() {
        CommandLine image = line(new ImageCommand());
        image.addSubcommand("export", line(new ImageExportCommand()));
        image.addSubcommand("import", line(new ImageImportCommand()));
        image.addSubcommand("inspect", line(new ImageInspectCommand()));
        return image;
    }

    private static CommandLine tpm() {
        CommandLine tpm = line(new TpmGroupCommand());
        tpm.addSubcommand("pcrs", line(new TpmPcrsCommand()));
        tpm.addSubcommand("log", line(new TpmLogCommand()));
        tpm.addSubcommand("policy", line(new TpmPolicyCommand()));
        tpm.addSubcommand("accept", line(new TpmAcceptCommand()));
        return tpm;
    }

    private static CommandLine net() {
        CommandLine net = line(new NetCommand());
        net.addSubcommand("create", line(new NetCreateCommand()));
        net.addSubcommand("list", line(new NetListCommand()));
        net.addSubcommand("show", line(new NetShowCommand()));
        net.addSubcommand("mirror", line(new NetMirrorCommand()));
        net.addSubcommand("alerts", line(new NetAlertsCommand()));
        net.addSubcommand("capture", line(new NetCaptureCommand()));
        net.addSubcommand("listen", line(new NetListenCommand()));
        net.addSubcommand("connect", line(new NetConnectCommand()));
        net.addSubcommand("tunnels", line(new NetTunnelsCommand()));
        net.addSubcommand("limit", line(new NetLimitCommand()));
        return net;
    }

    private static CommandLine snapshot() {
        CommandLine snapshot = line(new SnapshotCommand());
        snapshot.addSubcommand("create", line(new SnapshotCreateCommand()));
        snapshot.addSubcommand("list", line(new SnapshotListCommand()));
        snapshot.addSubcommand("revert", line(new SnapshotRevertCommand()));
        snapshot.addSubcommand("delete", line(new SnapshotDeleteCommand()));
        return snapshot;
    }

    /** One class serves the plain power actions; each gets its own name and description here. */
    private static CommandLine power(PowerAction action) {
        CommandLine command = line(new VmPowerCommand(action));
        command.getCommandSpec().usageMessage().description(VmPowerCommand.describe(action));
        return command;
    }

    private static CommandLine line(Object command) {
        CommandLine line = new CommandLine(command);
        line.setUsageHelpAutoWidth(false);
        line.setUsageHelpWidth(100);
        return line;
    }
}
