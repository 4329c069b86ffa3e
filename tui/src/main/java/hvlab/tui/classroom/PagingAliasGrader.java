package hvlab.tui.classroom;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Paging from scratch: build a page directory and a page table, turn paging on, and show that
 * linear 0x40000000 and physical 0x00300000 are the same memory (Intel SDM Vol. 3A, 4.3). Checked
 * under the VMM in trap and bt modes: on shadow page tables the guest must get what hardware gives.
 */
final class PagingAliasGrader implements Grader {
    private static final long MEMORY = 16L << 20;

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        GuestRuns.Built built = GuestRuns.assemble(work, "alias.asm");
        checks.add(Check.of("alias.asm assembles", built.error() == null, built.error()));
        if (built.error() != null) {
            return checks;
        }
        for (ExecutionMode mode : List.of(ExecutionMode.TRAP, ExecutionMode.BT)) {
            VmResult result = GuestRuns.underVmm(built.image(), mode, MEMORY);
            String serial = result.serial();
            checks.add(Check.of(mode.label() + " mode: it turns paging on", result.traps(hvlab.vmm.TrapKind.SHADOW_PAGE_FAULT) > 0,
                    "no page was ever shadowed: paging never came on (" + result.exit().describe() + ")"));
            checks.add(Check.of(mode.label() + " mode: 'alias ok' after writing through 0x40000000 and reading 0x00300000",
                    serial.contains("alias ok") && !serial.contains("alias broken"), "it printed: " + Sources.quote(serial)
                            + " and ended: " + result.exit().describe()));
            checks.add(Check.of(mode.label() + " mode: it ends with debug exit 0", result.exit().equals(new VmExit.DebugExit(0)),
                    result.exit().describe()));
        }
        return checks;
    }
}
