package hvlab.tui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The lectures shipped with hvlab ({@code tui/src/main/resources/lectures/NAME.lecture}), by name. */
final class LectureFiles {
    private LectureFiles() {}

    static List<String> names() {
        try (InputStream in = LectureFiles.class.getResourceAsStream("/lectures/index.txt")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A shipped lecture copied to a temporary file, or null if there is none by that name. */
    static Path extract(String name) {
        String base = name.endsWith(".lecture") ? name.substring(0, name.length() - 8) : name;
        if (!base.matches("[A-Za-z0-9-]+")) {
            return null; // a shipped lecture's name is one word: nothing else is looked up or made
        }
        try (InputStream in = LectureFiles.class.getResourceAsStream("/lectures/" + base + ".lecture")) {
            if (in == null) {
                return null;
            }
            // In a folder of its own, under its own name: the UI names the lecture by its file
            // ("the end of deprivileging.lecture"), not by a temporary file's random digits.
            Path folder = Files.createTempDirectory("hvlab-lecture");
            folder.toFile().deleteOnExit();
            Path file = folder.resolve(base + ".lecture");
            Files.write(file, in.readAllBytes());
            file.toFile().deleteOnExit(); // deleted before its folder (the reverse order of registration)
            return file;
        } catch (IOException e) {
            return null;
        }
    }
}
