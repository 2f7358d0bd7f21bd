package dev.descent.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto.DataType;
import dev.descent.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks an untrusted ONNX file: bounded size, counts, names and tensor elements; a protobuf nesting
 * limit; the graph rules the importer relies on (one float input, one output, every node input defined before the
 * node, each value defined once, supported operators only). Every violation is an {@link OnnxFormatException}.
 */
final class ModelReader {
    /** The largest file read (bytes). */
    static final long MAX_FILE_BYTES = 1L << 30;
    /** The most elements of one tensor, and of all initialisers together. */
    static final long MAX_TENSOR_ELEMENTS = 1L << 26;
    static final int MAX_NODES = 1 << 16;
    static final int MAX_INITIALIZERS = 1 << 16;
    static final int MAX_NAME_LENGTH = 1 << 12;
    static final int MAX_RANK = 8;
    static final int MAX_NODE_INPUTS = 16;
    /** The graph inputs besides initialisers (a model's input and, say, an attention model's masks). */
    static final int MAX_INPUTS = 16;
    /** Protobuf message nesting (model, graph, node, attribute, tensor: five deep; subgraphs are rejected). */
    static final int MAX_NESTING = 16;
    static final int MIN_OPSET = 13;
    static final int MAX_OPSET = 17;

    private ModelReader() {
    }

    static ModelProto read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new OnnxFormatException("Onnx.load: " + file + " has " + size + " bytes, above the limit of "
                    + MAX_FILE_BYTES);
        }
        return parse(Files.readAllBytes(file));
    }

    static ModelProto parse(byte[] bytes) throws OnnxFormatException {
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(MAX_NESTING);
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException("Onnx.load: not a valid ONNX protobuf message: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxFormatException("Onnx.load: unreadable protobuf message: " + e.getMessage(), e);
        }
        check(model);
        return model;
    }

    private static void check(ModelProto model) throws OnnxFormatException {
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = o.getVersion();
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxFormatException("Onnx.load: the model imports opset " + (opset < 0 ? "none" : opset)
                    + " of the default domain; supported are " + MIN_OPSET + " to " + MAX_OPSET);
        }
        if (!model.hasGraph()) throw new OnnxFormatException("Onnx.load: the model has no graph");
        GraphProto g = model.getGraph();
        if (g.getNodeCount() > MAX_NODES) {
            throw new OnnxFormatException("Onnx.load: " + g.getNodeCount() + " nodes, above the limit of " + MAX_NODES);
        }
        if (g.getInitializerCount() > MAX_INITIALIZERS) {
            throw new OnnxFormatException("Onnx.load: " + g.getInitializerCount() + " initialisers, above the limit of "
                    + MAX_INITIALIZERS);
        }
        Set<String> defined = new HashSet<>();
        long total = 0;
        for (TensorProto t : g.getInitializerList()) {
            total += elements(t);
            if (total > MAX_TENSOR_ELEMENTS) {
                throw new OnnxFormatException("Onnx.load: the initialisers hold more than " + MAX_TENSOR_ELEMENTS
                        + " elements");
            }
            define(defined, name(t.getName(), "initialiser"), "initialiser");
        }
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !defined.contains(v.getName())).toList();
        if (inputs.isEmpty() || inputs.size() > MAX_INPUTS || g.getOutputCount() != 1) {
            throw new OnnxFormatException("Onnx.load: expected a graph with 1 to " + MAX_INPUTS + " inputs and one "
                    + "output, got " + inputs.size() + " inputs (besides initialisers) and " + g.getOutputCount()
                    + " outputs");
        }
        for (ValueInfoProto in : inputs) {
            inputDType(in);
            define(defined, name(in.getName(), "input"), "input");
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String where = "node " + i + " '" + name(n.getName(), "node") + "' (" + name(n.getOpType(), "op type") + ")";
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new OnnxFormatException("Onnx.load: " + where + " is in domain '" + name(n.getDomain(), "domain")
                        + "'; only the default ONNX domain is supported");
            }
            if (!OnnxOps.SUPPORTED.contains(n.getOpType())) {
                throw new OnnxFormatException("Onnx.load: " + where + " uses operator '" + n.getOpType()
                        + "', which is not supported; supported: " + String.join(", ", OnnxOps.SUPPORTED));
            }
            if (n.getInputCount() > MAX_NODE_INPUTS || n.getOutputCount() < 1 || n.getOutputCount() > MAX_NODE_INPUTS) {
                throw new OnnxFormatException("Onnx.load: " + where + " has " + n.getInputCount() + " inputs and "
                        + n.getOutputCount() + " outputs");
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(name(in, "value"))) {
                    throw new OnnxFormatException("Onnx.load: " + where + " reads '" + in + "', which no earlier "
                            + "node, initialiser or input defines (nodes must be in topological order)");
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                name(a.getName(), "attribute");
                if (a.hasG() || a.getGraphsCount() > 0) {
                    throw new OnnxFormatException("Onnx.load: " + where + " has a subgraph attribute '" + a.getName()
                            + "'; subgraphs are not supported");
                }
                if (a.hasT()) {
                    total += elements(a.getT());
                    if (total > MAX_TENSOR_ELEMENTS) {
                        throw new OnnxFormatException("Onnx.load: the constants hold more than " + MAX_TENSOR_ELEMENTS
                                + " elements");
                    }
                }
                if (a.getIntsCount() > MAX_NODE_INPUTS * 4 || a.getFloatsCount() > MAX_NODE_INPUTS * 4) {
                    throw new OnnxFormatException("Onnx.load: " + where + " attribute '" + a.getName() + "' is too long");
                }
            }
            for (String out : n.getOutputList()) if (!out.isEmpty()) define(defined, name(out, "value"), where + " output");
        }
        String output = g.getOutput(0).getName();
        if (!defined.contains(output)) {
            throw new OnnxFormatException("Onnx.load: the graph output '" + output + "' is never defined");
        }
    }

    static DType inputDType(ValueInfoProto v) throws OnnxFormatException {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            throw new OnnxFormatException("Onnx.load: input '" + v.getName() + "' is not a tensor");
        }
        int t = v.getType().getTensorType().getElemType();
        if (t == DataType.FLOAT_VALUE) return DType.FLOAT32;
        if (t == DataType.DOUBLE_VALUE) return DType.FLOAT64;
        if (t == DataType.INT64_VALUE || t == DataType.INT32_VALUE || t == DataType.BOOL_VALUE) return DType.INT32;
        throw new OnnxFormatException("Onnx.load: input '" + v.getName() + "' has element type " + t
                + "; supported are FLOAT (1), DOUBLE (11), INT64 (7) or INT32 (6) indices and BOOL (9) masks (given "
                + "as INT32, non-zero for true)");
    }

    private static void define(Set<String> defined, String name, String what) throws OnnxFormatException {
        if (!defined.add(name)) throw new OnnxFormatException("Onnx.load: " + what + " defines '" + name + "' twice");
    }

    private static String name(String s, String what) throws OnnxFormatException {
        if (s.length() > MAX_NAME_LENGTH) {
            throw new OnnxFormatException("Onnx.load: a " + what + " name of " + s.length() + " characters, above "
                    + MAX_NAME_LENGTH);
        }
        return s;
    }

    /** The element count from a tensor's dims, checked against the bounds. */
    static long elements(TensorProto t) throws OnnxFormatException {
        if (t.getDimsCount() > MAX_RANK) {
            throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has rank " + t.getDimsCount()
                    + ", above " + MAX_RANK);
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || d > MAX_TENSOR_ELEMENTS) {
                throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has dimension " + d);
            }
            n *= d;
            if (n > MAX_TENSOR_ELEMENTS) {
                throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has more than "
                        + MAX_TENSOR_ELEMENTS + " elements");
            }
        }
        return n;
    }

    /** A float or double tensor's values as a Descent tensor of its own dtype. */
    static Tensor floats(TensorProto t) throws OnnxFormatException {
        int n = (int) elements(t);
        int[] dims = dims(t);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has external data, not supported");
        }
        if (t.getDataType() == DataType.FLOAT_VALUE) {
            float[] v;
            if (t.hasRawData()) {
                checkBytes(t, n, 4);
                v = new float[n];
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            } else {
                if (t.getFloatDataCount() != n) throw count(t, n, t.getFloatDataCount());
                v = new float[n];
                for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
            }
            return Tensor.on(Backends.get(), DType.FLOAT32).of(v, dims);
        }
        if (t.getDataType() == DataType.DOUBLE_VALUE) {
            double[] v;
            if (t.hasRawData()) {
                checkBytes(t, n, 8);
                v = new double[n];
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
            } else {
                if (t.getDoubleDataCount() != n) throw count(t, n, t.getDoubleDataCount());
                v = new double[n];
                for (int i = 0; i < n; i++) v[i] = t.getDoubleData(i);
            }
            return Tensor.on(Backends.get(), DType.FLOAT64).of(v, dims);
        }
        throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has element type " + t.getDataType()
                + " where a FLOAT (1) or DOUBLE (11) tensor is expected");
    }

    /** An INT64 (or INT32) tensor's values, for shapes and axes. */
    static long[] longs(TensorProto t) throws OnnxFormatException {
        int n = (int) elements(t);
        boolean wide = t.getDataType() == DataType.INT64_VALUE;
        if (!wide && t.getDataType() != DataType.INT32_VALUE) {
            throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has element type " + t.getDataType()
                    + " where an INT64 tensor is expected");
        }
        if (t.hasRawData()) checkBytes(t, n, wide ? 8 : 4);
        else if ((wide ? t.getInt64DataCount() : t.getInt32DataCount()) != n) {
            throw count(t, n, wide ? t.getInt64DataCount() : t.getInt32DataCount());
        }
        long[] v = new long[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) v[i] = wide ? b.getLong() : b.getInt();
        } else {
            for (int i = 0; i < n; i++) v[i] = wide ? t.getInt64Data(i) : t.getInt32Data(i);
        }
        return v;
    }

    /**
     * A constant's value as the importer holds it: a float tensor as a constant variable, an integer one as
     * {@code long[]} (a scalar as a {@code Long}).
     */
    static Object constant(TensorProto t) throws OnnxFormatException {
        if (!isInteger(t)) return dev.descent.autodiff.Variable.constant(floats(t));
        long[] v = longs(t);
        return t.getDimsCount() == 0 && v.length == 1 ? (Object) v[0] : v;
    }

    static boolean isInteger(TensorProto t) {
        return t.getDataType() == DataType.INT64_VALUE || t.getDataType() == DataType.INT32_VALUE;
    }

    private static int[] dims(TensorProto t) {
        int[] d = new int[t.getDimsCount()];
        for (int i = 0; i < d.length; i++) d[i] = (int) t.getDims(i);
        return d;
    }

    private static void checkBytes(TensorProto t, int n, int width) throws OnnxFormatException {
        if (t.getRawData().size() != (long) n * width) {
            throw new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has " + t.getRawData().size()
                    + " bytes of raw data, expected " + (long) n * width + " for shape " + t.getDimsList());
        }
    }

    private static OnnxFormatException count(TensorProto t, int expected, int actual) {
        return new OnnxFormatException("Onnx.load: tensor '" + t.getName() + "' has " + actual + " values, expected "
                + expected + " for shape " + t.getDimsList());
    }
}
