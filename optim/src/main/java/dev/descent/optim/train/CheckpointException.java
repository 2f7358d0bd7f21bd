package dev.descent.optim.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that cannot be resumed: none is complete, or one of its files is missing, truncated, corrupt or does
 * not fit the trainer (another model, optimiser, loader or schedule). It names the file and, where there is one, the
 * field or entry at fault. {@link Trainer#resume} throws it before it changes anything.
 *
 * <pre>{@code
 * try {
 *     trainer.resume(dir);
 * } catch (CheckpointException e) {
 *     System.err.println(e.file() + " / " + e.field() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public final class CheckpointException extends IOException {
    private final transient Path file;
    private final String field;

    CheckpointException(Path file, String field, String problem, Throwable cause) {
        super("resume: " + file + (field == null ? "" : ": '" + field + "'") + ": " + problem, cause);
        this.file = file;
        this.field = field;
    }

    CheckpointException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    /** The file (or, when no checkpoint is complete, the directory) at fault. */
    public Path file() {
        return file;
    }

    /** The field, tensor or entry at fault, or {@code null} when the whole file is. */
    public String field() {
        return field;
    }
}
