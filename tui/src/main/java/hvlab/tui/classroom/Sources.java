package hvlab.tui.classroom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Small helpers for graders that look at a student's source. */
final class Sources {
    private Sources() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Does NASM source use {@code mnemonic} as an instruction (not in a comment or a string)? */
    static boolean usesInstruction(String source, String mnemonic) {
        Pattern instruction = Pattern.compile("(^|:)\\s*" + mnemonic + "\\b", Pattern.CASE_INSENSITIVE);
        for (String line : source.split("\n")) {
            String code = line.replaceAll(";.*$", "").replaceAll("\"[^\"]*\"|'[^']*'", "");
            if (instruction.matcher(code).find()) {
                return true;
            }
        }
        return false;
    }

    /** Serial output for a message: one line, bounded. */
    static String quote(String text) {
        String flat = text.replace("\n", "\\n");
        return "'" + (flat.length() > 200 ? flat.substring(0, 200) + "..." : flat) + "'";
    }
}
