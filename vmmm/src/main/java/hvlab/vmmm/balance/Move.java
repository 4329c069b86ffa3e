package hvlab.vmmm.balance;

/**
 * One migration the balancer proposes, and why: the imbalance before and after it, and what it
 * costs (memory to copy, in the same units as the imbalance so that the two can be weighed).
 */
public record Move(String vm, String from, String to, double imbalanceBefore, double imbalanceAfter, double cost, String why) {
    public double gain() {
        return imbalanceBefore - imbalanceAfter;
    }

    public String describe() {
        return String.format(java.util.Locale.ROOT, "move %s %s -> %s: %s", vm, from, to, why);
    }
}
