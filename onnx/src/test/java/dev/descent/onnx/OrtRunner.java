package dev.descent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.descent.core.DType;
import dev.descent.core.Tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Runs an ONNX file in ONNX Runtime (the independent engine the export is checked against). */
final class OrtRunner {
    private OrtRunner() {
    }

    static Tensor run(Path model, Tensor input) throws OrtException {
        return run(model, Map.of("input", input), Set.of());
    }

    /**
     * Runs a model on named inputs: a float tensor as itself, an INT32 tensor as INT64 (indices) or, when its name is
     * in {@code bools}, as an ONNX bool tensor (non-zero is true, Descent's boolean masks).
     */
    static Tensor run(Path model, Map<String, Tensor> inputs, Set<String> bools) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (var e : inputs.entrySet()) feed.put(e.getKey(), tensor(env, e.getValue(), bools.contains(e.getKey())));
                    try (OrtSession.Result result = session.run(feed)) {
                        return output((OnnxTensor) result.get("output").orElseThrow(),
                                inputs.values().iterator().next());
                    }
                } finally {
                    for (OnnxTensor t : feed.values()) t.close();
                }
            }
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, Tensor input, boolean bool) throws OrtException {
        long[] shape = new long[input.rank()];
        for (int i = 0; i < shape.length; i++) shape[i] = input.shape().dim(i);
        if (bool) {
            int[] v = input.toIntArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(v.length);
            for (int x : v) b.put((byte) (x != 0 ? 1 : 0));
            b.flip();
            return OnnxTensor.createTensor(env, b, shape, ai.onnxruntime.OnnxJavaType.BOOL);
        }
        return input.dtype() == DType.FLOAT64
                ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(input.toDoubleArray()), shape)
                : input.dtype() == DType.INT32 // indices: the exported models take INT64
                ? OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(java.util.Arrays.stream(
                        input.toIntArray()).asLongStream().toArray()), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()), shape);
    }

    private static Tensor output(OnnxTensor out, Tensor like) throws OrtException {
        long[] s = out.getInfo().getShape();
        int[] dims = new int[s.length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) s[i];
        if (out.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
            DoubleBuffer b = out.getDoubleBuffer();
            double[] v = new double[b.remaining()];
            b.get(v);
            return Tensor.on(like.backend(), DType.FLOAT64).of(v, dims);
        }
        FloatBuffer b = out.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return Tensor.on(like.backend(), DType.FLOAT32).of(v, dims);
    }

    /** max |a - b| / max |b|: the error relative to the output's scale. */
    static double relativeError(Tensor actual, Tensor expected) {
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        if (a.length != e.length) throw new AssertionError("sizes differ: " + actual.shape() + " vs " + expected.shape());
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return diff / Math.max(scale, Double.MIN_NORMAL);
    }
}
