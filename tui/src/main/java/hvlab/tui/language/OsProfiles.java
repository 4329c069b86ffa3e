package hvlab.tui.language;

import hvlab.vmm.image.GuestImages;
import hvlab.vmm.vmi.OsProfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The OS profile for a VM: the one given, or the one a built-in guest ships with (hvos's, from its build). */
public final class OsProfiles {
    private OsProfiles() {}

    /** The profile a built-in guest ships with, or null (no such guest, no profile, or one that cannot be read). */
    public static OsProfile builtIn(String guest) {
        try (InputStream in = GuestImages.class.getResourceAsStream("/guests/" + guest + ".profile.json")) {
            return in == null ? null : OsProfile.read(in);
        } catch (IOException | OsProfile.BadProfile e) {
            return null;
        }
    }

    static OsProfile forVm(Context context, String vm, Path file) {
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                return OsProfile.read(in);
            } catch (IOException e) {
                throw CommandFailure.badInput("cannot read " + file + ": " + e.getMessage());
            } catch (OsProfile.BadProfile e) {
                throw CommandFailure.badInput(file + ": " + e.getMessage());
            }
        }
        String guest = context.host().info(vm).guest();
        try (InputStream in = GuestImages.class.getResourceAsStream("/guests/" + guest + ".profile.json")) {
            if (in == null) {
                throw CommandFailure.usage("no OS profile for '" + vm + "' (guest " + guest + "): give one with --profile FILE, "
                        + "as hvos's build writes hvos.profile.json");
            }
            return OsProfile.read(in);
        } catch (IOException e) {
            throw CommandFailure.badInput("cannot read the profile of " + guest + ": " + e.getMessage());
        } catch (OsProfile.BadProfile e) {
            throw CommandFailure.badInput("the profile of " + guest + ": " + e.getMessage());
        }
    }
}
