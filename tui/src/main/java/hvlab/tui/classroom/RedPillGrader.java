package hvlab.tui.classroom;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmResult;
import hvlab.vmm.reference.BareMachine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The red pill without SIDT: the guest must tell a bare machine from hvlab in trap mode using an
 * instruction that is sensitive but not privileged (Robin and Irvine, 2000), other than SIDT,
 * SGDT and SMSW, which the red-pill lecture already uses.
 */
final class RedPillGrader implements Grader {
    private static final long MEMORY = 4L << 20;
    private static final List<String> FORBIDDEN = List.of("sidt", "sgdt", "smsw");

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        GuestRuns.Built built = GuestRuns.assemble(work, "redpill.asm");
        checks.add(Check.of("redpill.asm assembles", built.error() == null, built.error()));
        if (built.error() != null) {
            return checks;
        }
        String source = Sources.read(work.resolve("redpill.asm")).toLowerCase();
        String used = FORBIDDEN.stream().filter(m -> Sources.usesInstruction(source, m)).findFirst().orElse(null);
        checks.add(Check.of("no SIDT, SGDT or SMSW", used == null, "the guest uses " + used));
        VmResult trap = GuestRuns.underVmm(built.image(), ExecutionMode.TRAP, MEMORY);
        checks.add(Check.of("under hvlab in trap mode it prints 'hypervisor'", trap.serial().contains("hypervisor")
                && !trap.serial().contains("bare metal"), "it printed: " + Sources.quote(trap.serial())));
        BareMachine.Run bare = GuestRuns.bare(built.image(), MEMORY);
        checks.add(Check.of("on the bare CPU it prints 'bare metal'", bare.serial().contains("bare metal")
                && !bare.serial().contains("hypervisor"), "it printed: " + Sources.quote(bare.serial())));
        return checks;
    }
}
