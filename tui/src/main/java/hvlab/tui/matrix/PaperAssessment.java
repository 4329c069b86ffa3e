package hvlab.tui.matrix;

import hvlab.tui.threat.Feature;
import hvlab.tui.threat.Property;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The paper's figure 4 as its text gives it ({@code resources/matrix/paper-assessment.txt}: one
 * line per non-empty cell, with the section it is read from and the paper's words).
 */
public final class PaperAssessment {
    private final Map<Feature, Map<Property, PaperCell>> cells = new EnumMap<>(Feature.class);

    private PaperAssessment() {}

    public static PaperAssessment load() {
        try (InputStream in = PaperAssessment.class.getResourceAsStream("/matrix/paper-assessment.txt")) {
            if (in == null) throw new IllegalStateException("the paper's assessment is missing from this build");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the paper's assessment: " + e.getMessage(), e);
        }
    }

    static PaperAssessment parse(String text) {
        PaperAssessment paper = new PaperAssessment();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\\|", 5);
            if (f.length != 5) throw new IllegalArgumentException("a cell needs FEATURE | PROPERTY | SIGN | WHERE | WHY: " + line);
            Feature feature = Feature.valueOf(f[0].strip());
            Property property = property(f[1].strip());
            PaperCell old = paper.cells.computeIfAbsent(feature, k -> new EnumMap<>(Property.class))
                    .put(property, new PaperCell(Sign.parse(f[2]), f[3].strip(), f[4].strip()));
            if (old != null) throw new IllegalArgumentException("two cells for " + feature + " " + property);
        }
        return paper;
    }

    private static Property property(String abbreviation) {
        for (Property p : Property.values()) {
            if (p.abbreviation().equals(abbreviation)) return p;
        }
        throw new IllegalArgumentException("'" + abbreviation + "' is not C, I, A, Au or NR");
    }

    public PaperCell cell(Feature feature, Property property) {
        return cells.getOrDefault(feature, Map.of()).getOrDefault(property, PaperCell.EMPTY);
    }
}
