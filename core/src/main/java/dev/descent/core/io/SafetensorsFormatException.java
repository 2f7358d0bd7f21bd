package dev.descent.core.io;

import java.io.IOException;

/**
 * A safetensors file that violates the format or one of the reader's limits: the message names the file (when
 * known) and the problem. It is the only exception that the content of a file can cause; other
 * {@link IOException}s come from the file system (a missing or unreadable file).
 */
public final class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
