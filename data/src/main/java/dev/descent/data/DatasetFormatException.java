package dev.descent.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be read as what it claims to be: a wrong magic number, type byte or dimension count, a
 * declared size larger than the file, truncated data, a label count that disagrees with the image count, a
 * corrupted gzip stream, a bad CSV cell. The message names the file and the problem.
 *
 * <pre>{@code
 * try {
 *     IdxArray images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));
 * } catch (DatasetFormatException e) {
 *     System.err.println(e.getMessage() + " (" + e.file() + ")");
 * }
 * }</pre>
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}; the message reads {@code "<file>: <problem>"}. */
    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** A problem with {@code file} found through {@code cause} (an I/O error of a decompressor, say). */
    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }
}
