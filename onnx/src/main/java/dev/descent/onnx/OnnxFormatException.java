package dev.descent.onnx;

import java.io.IOException;

/**
 * The only exception the content of an ONNX file causes in {@link Onnx#load}: a malformed protobuf message, a file
 * over one of the importer's bounds, a graph that breaks the ONNX rules the importer checks, or an operator outside
 * the supported set (named with its node).
 */
public final class OnnxFormatException extends IOException {
    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
