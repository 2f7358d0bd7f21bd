package dev.descent.onnx;

/**
 * A module that {@link Onnx#export} cannot express in ONNX: an unsupported layer or operation, named with the module
 * path where it occurs. It is thrown before any file is written.
 */
public final class OnnxExportException extends IllegalArgumentException {
    public OnnxExportException(String message) {
        super(message);
    }
}
