package dev.descent.onnx;

import dev.descent.core.Tensor;
import dev.descent.core.io.AtomicFiles;
import dev.descent.nn.Module;
import dev.descent.onnx.proto.OnnxProto.ModelProto;

import java.io.IOException;
import java.nio.file.Path;

/**
 * ONNX model exchange: {@link #export} writes a Descent module as an ONNX model that ONNX Runtime (or any ONNX
 * engine) runs, and {@link #load} runs an ONNX model, such as one exported by PyTorch, as a Descent module.
 *
 * <pre>{@code
 * Sequential net = new Sequential(new Linear(4, 16, rng), new ReLU(), new Linear(16, 3, rng));
 * net.eval();
 * Onnx.export(net, sampleBatch, Path.of("model.onnx"));     // (batch, 4) float32 -> (batch, 3)
 * Module loaded = Onnx.load(Path.of("model.onnx"));
 * Variable y = loaded.apply(Variable.constant(batch));
 * }</pre>
 *
 * <p>Exported models use opset {@value #OPSET} of the default domain (IR version {@value #IR_VERSION}), one input
 * named {@code input} whose leading axis is the symbolic dimension {@code batch}, one output named {@code output},
 * and the parameters as initialisers under their dotted names, in the module's dtype (float32 or float64). With
 * {@link ExportInputs}, an attention model's masks are further named inputs (a boolean mask as {@code BOOL}).
 */
public final class Onnx {
    /** The opset of the default ONNX domain that exported models import. */
    public static final int OPSET = 17;
    /** The ONNX IR version of exported models (the one that goes with opset 17). */
    public static final long IR_VERSION = 8;
    static final String PRODUCER_VERSION = "0.1.0";

    private Onnx() {
    }

    /**
     * Writes {@code module} as an ONNX model to {@code file}, atomically. The module is run once on
     * {@code sampleInput} (a batch, float32 or float64 like the parameters) to trace it; the model then accepts any
     * batch size. Dropout must be in eval mode.
     *
     * @throws OnnxExportException naming the layer or operation and its module path when part of the module has no
     *                             ONNX form; nothing is written then
     */
    public static void export(Module module, Tensor sampleInput, Path file) throws IOException {
        if (file == null) throw new IllegalArgumentException("Onnx.export: file must not be null");
        write(toModel(module, sampleInput), file);
    }

    /**
     * Writes {@code module} as an ONNX model with several graph inputs, atomically: the module's input and an
     * attention model's masks, under the names {@code inputs} gives (see {@link ExportInputs}). The module is run
     * once on the samples; the model then accepts any batch size and, for attention, any sequence length.
     *
     * @throws OnnxExportException as {@link #export(Module, Tensor, Path)}, and when masks are given to a module that
     *                             does not take them, naming it; nothing is written then
     */
    public static void export(Module module, ExportInputs inputs, Path file) throws IOException {
        if (file == null) throw new IllegalArgumentException("Onnx.export: file must not be null");
        write(toModel(module, inputs), file);
    }

    /** The ONNX model {@link #export} writes, as a protobuf message. */
    public static ModelProto toModel(Module module, Tensor sampleInput) {
        return Exporter.export(module, sampleInput);
    }

    /** The ONNX model {@link #export(Module, ExportInputs, Path)} writes, as a protobuf message. */
    public static ModelProto toModel(Module module, ExportInputs inputs) {
        return Exporter.export(module, inputs);
    }

    private static void write(ModelProto model, Path file) throws IOException {
        AtomicFiles.write(file, ch -> {
            var out = java.nio.channels.Channels.newOutputStream(ch);
            model.writeTo(out);
            out.flush();
        });
    }

    /**
     * Reads an ONNX model for inference as a module (see {@link OnnxModule} for the supported operators). The file
     * is treated as untrusted: its size, tensors, nodes and names are bounded and the graph is checked before
     * anything runs.
     *
     * @throws OnnxFormatException when the file is not a well-formed ONNX model within the bounds, or uses an
     *                             operator outside the supported set (named with its node)
     */
    public static OnnxModule load(Path file) throws IOException {
        return OnnxModule.read(file);
    }
}
