package hvlab.tui.threat;

/**
 * One thing a scenario's attack tried against one property, and whether the attacker got it.
 *
 * @param attack   the attack, in a few words
 * @param feature  the paper's feature the finding is evidence about
 * @param role     whether the feature is what the attacker used ({@link Role#SURFACE}) or what stood
 *                 in the way ({@link Role#DEFENCE}); the matrix reads the two differently
 * @param achieved the attacker got what it was after, as observed (not as expected)
 * @param evidence what was observed, one line
 */
public record Finding(String attack, Feature feature, Role role, Property property, boolean achieved, String evidence) {
    public enum Role { SURFACE, DEFENCE }

    static Finding surface(String attack, Feature feature, Property property, boolean achieved, String evidence) {
        return new Finding(attack, feature, Role.SURFACE, property, achieved, evidence);
    }

    static Finding defence(String attack, Feature feature, Property property, boolean achieved, String evidence) {
        return new Finding(attack, feature, Role.DEFENCE, property, achieved, evidence);
    }
}
