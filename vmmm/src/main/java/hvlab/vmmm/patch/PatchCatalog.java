package hvlab.vmmm.patch;

import com.fasterxml.jackson.core.type.TypeReference;
import hvlab.vmmm.migration.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The patches the datacenter knows, as data files: {@code hvlab/vmmm/patches/catalog.json}
 * and, for each patch that replaces a file, that file's new content beside it.
 */
public record PatchCatalog(List<Patch> patches) {
    private static final String FOLDER = "/hvlab/vmmm/patches/";

    public PatchCatalog {
        patches = List.copyOf(patches);
    }

    public static PatchCatalog shipped() {
        try (InputStream in = PatchCatalog.class.getResourceAsStream(FOLDER + "catalog.json")) {
            if (in == null) throw new IllegalStateException("the patch catalog is missing from this build");
            return new PatchCatalog(Json.MAPPER.readValue(in, new TypeReference<List<Patch>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("the patch catalog cannot be read", e);
        }
    }

    public Patch get(String id) {
        return patches.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no patch " + id + " in the catalog (" + String.join(", ", patches.stream().map(Patch::id).toList()) + ")"));
    }

    public List<Patch> forGuest(String guest) {
        return patches.stream().filter(p -> p.appliesTo(guest)).toList();
    }

    /** The new content of a {@code file} patch. */
    public byte[] content(Patch patch) {
        try (InputStream in = PatchCatalog.class.getResourceAsStream(FOLDER + patch.content())) {
            if (in == null) throw new IllegalStateException(patch.id() + ": its content " + patch.content() + " is missing from this build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
