package hvlab.tui;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Shipped lectures come out under their own names, and only names of the index are looked up. */
class LectureFilesTest {
    @Test
    void aShippedLectureKeepsItsNameSoTheUiCanSayWhichItIs() throws Exception {
        for (String name : LectureFiles.names()) {
            Path file = LectureFiles.extract(name);
            assertNotNull(file, name);
            assertEquals(name + ".lecture", file.getFileName().toString());
            assertTrue(Files.readString(file).contains("## "), name + ": a lecture with captions");
            assertEquals(file.getFileName(), LectureFiles.extract(name + ".lecture").getFileName());
        }
        assertTrue(LectureFiles.names().contains("deprivileging"));
    }

    @Test
    void anythingButAShippedNameIsNotFound() {
        assertNull(LectureFiles.extract("nosuch"));
        assertNull(LectureFiles.extract("../lectures/deprivileging"));
        assertNull(LectureFiles.extract("/etc/passwd"));
        assertNull(LectureFiles.extract(""));
    }
}
