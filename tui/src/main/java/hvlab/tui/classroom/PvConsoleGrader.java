package hvlab.tui.classroom;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Paravirtualization: the console by hypercall, with no port I/O to trap on. */
final class PvConsoleGrader implements Grader {
    private static final long MEMORY = 4L << 20;

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        GuestRuns.Built built = GuestRuns.assemble(work, "pvcon.asm");
        checks.add(Check.of("pvcon.asm assembles", built.error() == null, built.error()));
        if (built.error() != null) {
            return checks;
        }
        VmResult result = GuestRuns.underVmm(built.image(), ExecutionMode.PARAVIRT, MEMORY);
        checks.add(Check.of("it prints 'hello through the VMM'", result.serial().contains("hello through the VMM"),
                "it printed " + Sources.quote(result.serial())));
        checks.add(Check.of("no port I/O at all", result.traps(TrapKind.IO) == 0, result.traps(TrapKind.IO) + " port I/O exits"));
        checks.add(Check.of("at least three hypercalls (version, console_write, shutdown)", result.traps(TrapKind.HYPERCALL) >= 3,
                result.traps(TrapKind.HYPERCALL) + " hypercalls"));
        checks.add(Check.of("it ends by the shutdown hypercall with status 0", result.exit().equals(new VmExit.DebugExit(0)),
                result.exit().describe()));
        return checks;
    }
}
