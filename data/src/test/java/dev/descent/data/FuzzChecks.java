package dev.descent.data;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every refusal in the readers' fuzz tests must look like. */
final class FuzzChecks {
    private FuzzChecks() {
    }

    /** {@code e} names {@code file} first, mentions each of {@code anyOf} if given one of them, and never "null". */
    static void assertDocumented(DatasetFormatException e, Path file, long caseSeed, String... anyOf) {
        String m = e.getMessage();
        assertEquals(file, e.file(), "case seed " + caseSeed);
        assertTrue(m.startsWith(file + ": "), "case seed " + caseSeed + ": " + m);
        assertFalse(m.contains("null"), "case seed " + caseSeed + ": " + m);
        if (anyOf.length > 0) {
            boolean found = false;
            for (String a : anyOf) found |= m.contains(a);
            assertTrue(found, "case seed " + caseSeed + ": " + m);
        }
    }

    /** The failure for any other exception: the case's seed, to reproduce it. */
    static AssertionError unexpected(long caseSeed, Exception e) {
        return new AssertionError("case seed " + caseSeed + ": " + e, e);
    }
}
