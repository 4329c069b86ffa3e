package hvlab.tui.classroom;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A guest's own timer: the PIT through the PIC to its IDT, ten ticks, in trap and bt mode. */
final class PitTicksGrader implements Grader {
    private static final long MEMORY = 4L << 20;

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        GuestRuns.Built built = GuestRuns.assemble(work, "ticks.asm");
        checks.add(Check.of("ticks.asm assembles", built.error() == null, built.error()));
        if (built.error() != null) {
            return checks;
        }
        for (ExecutionMode mode : List.of(ExecutionMode.TRAP, ExecutionMode.BT)) {
            VmResult result = GuestRuns.underVmm(built.image(), mode, MEMORY);
            long interrupts = result.traps(TrapKind.INTERRUPT);
            checks.add(Check.of(mode.label() + " mode: at least ten interrupts delivered through the IDT", interrupts >= 10,
                    interrupts + " delivered (" + result.exit().describe() + ")"));
            checks.add(Check.of(mode.label() + " mode: it prints '10 ticks' and ends with debug exit 0",
                    result.serial().contains("10 ticks") && result.exit().equals(new VmExit.DebugExit(0)),
                    "it printed " + Sources.quote(result.serial()) + " and ended: " + result.exit().describe()));
        }
        return checks;
    }
}
