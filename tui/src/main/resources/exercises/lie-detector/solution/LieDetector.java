import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Livewire's lie detector (reference solution). */
public final class LieDetector {
    private LieDetector() {}

    public static List<String> hidden(List<String> introspected, String psOutput) {
        Set<String> listed = new HashSet<>();
        String[] lines = psOutput.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].strip().split("\\s+");
            if (fields.length >= 2 && fields[0].matches("\\d+")) {
                listed.add(fields[0]);
            }
        }
        List<String> hidden = new ArrayList<>();
        for (String entry : introspected) {
            String[] fields = entry.strip().split("\\s+", 2);
            if (!listed.contains(fields[0])) {
                hidden.add(fields[1]);
            }
        }
        return hidden;
    }
}
