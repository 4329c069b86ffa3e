package hvlab.vmmm.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * What an administrator says about where VMs go relative to each other, as in VMware DRS: two
 * VMs that talk a lot run on one host ({@link Together}); two replicas of one service never do
 * ({@link Apart}), so that one host's failure does not take both. The balancer never makes a move
 * that breaks a rule, and a rule already broken is mended before any load is balanced.
 */
public sealed interface AffinityRule {
    String a();

    String b();

    record Together(String a, String b) implements AffinityRule {}

    record Apart(String a, String b) implements AffinityRule {}

    default boolean concerns(String vm) {
        return a().equals(vm) || b().equals(vm);
    }

    default String other(String vm) {
        return a().equals(vm) ? b() : a();
    }

    default String describe() {
        return (this instanceof Together ? "together " : "apart ") + a() + " " + b();
    }

    /** Lines of {@code together A B} or {@code apart A B}; {@code #} starts a comment. */
    static List<AffinityRule> parse(List<String> lines) {
        List<AffinityRule> rules = new ArrayList<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) continue;
            String[] words = line.split("\\s+");
            if (words.length != 3 || words[1].equals(words[2])) {
                throw new IllegalArgumentException("rule " + number + " '" + line + "': write 'together A B' or 'apart A B' (two different VMs)");
            }
            rules.add(switch (words[0]) {
                case "together" -> new Together(words[1], words[2]);
                case "apart" -> new Apart(words[1], words[2]);
                default -> throw new IllegalArgumentException("rule " + number + " '" + line + "': '" + words[0] + "' is neither together nor apart");
            });
        }
        return rules;
    }
}
