package dev.descent.core.io;

import java.io.IOException;

/** A safetensors file that violates the format: the message names the file (when known) and the problem. */
public final class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
