import java.util.List;

/** Livewire's lie detector: see 'hv exercise show lie-detector'. */
public final class LieDetector {
    private LieDetector() {}

    public static List<String> hidden(List<String> introspected, String psOutput) {
        // TODO: the processes introspection saw that ps did not list.
        return List.of();
    }
}
