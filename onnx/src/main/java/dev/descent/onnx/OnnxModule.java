package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model run as a Descent module, for inference ({@link Onnx#load}). The graph's nodes run in their
 * (checked) topological order as Descent operations, so the model runs on any backend; its initialisers are
 * constants. Supported operators: {@link #supportedOperators()}.
 *
 * <p>Running it fails with an {@link IllegalArgumentException} naming the node when the input does not fit the
 * model (a wrong feature count, say).
 */
public final class OnnxModule extends Module {
    private static final int SECONDARY = -2;
    private final DType dtype;
    private final String inputName;
    private final List<String> inputNames = new ArrayList<>();
    private final List<DType> inputTypes = new ArrayList<>();
    private final int[] inputSlots;
    private final String outputName;
    private final List<String> where = new ArrayList<>();
    private final List<OnnxOps.Step> steps = new ArrayList<>();
    private final List<int[]> argumentSlots = new ArrayList<>();
    private final List<int[]> outputSlots = new ArrayList<>();
    private final Object[] initial;
    private final int outputSlot;

    private OnnxModule(ModelProto model) throws OnnxFormatException {
        GraphProto g = model.getGraph();
        Map<String, Integer> slots = new HashMap<>();
        Map<String, Object> constants = new HashMap<>();
        List<Object> values = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            Object v = ModelReader.constant(t);
            constants.put(t.getName(), v);
            slots.put(t.getName(), values.size());
            values.add(v);
        }
        var inputs = g.getInputList().stream().filter(v -> !constants.containsKey(v.getName())).toList();
        var input = inputs.get(0);
        dtype = ModelReader.inputDType(input);
        for (Object v : values) {
            if (v instanceof Variable c && dtype.isFloating() && c.dtype() != dtype) {
                throw new OnnxFormatException("Onnx.load: an initialiser is " + c.dtype() + " but the input is " + dtype
                        + "; mixed float types are not supported");
            }
        }
        inputName = input.getName();
        inputSlots = new int[inputs.size()];
        for (int k = 0; k < inputSlots.length; k++) {
            inputNames.add(inputs.get(k).getName());
            inputTypes.add(ModelReader.inputDType(inputs.get(k)));
            inputSlots[k] = values.size();
            slots.put(inputs.get(k).getName(), inputSlots[k]);
            values.add(null);
        }
        for (int k = 0; k < g.getNodeCount(); k++) {
            NodeProto n = g.getNode(k);
            String w = "node " + k + " '" + n.getName() + "' (" + n.getOpType() + ")";
            steps.add(OnnxOps.compile(n, w, constants));
            where.add(w);
            int[] ins = new int[n.getInputCount()];
            for (int j = 0; j < ins.length; j++) {
                ins[j] = n.getInput(j).isEmpty() ? -1 : slots.get(n.getInput(j));
                if (ins[j] == SECONDARY) {
                    throw new OnnxFormatException("Onnx.load: " + w + " reads '" + n.getInput(j) + "', a secondary "
                            + "output of an earlier node (such as Dropout's mask), which is not supported");
                }
            }
            argumentSlots.add(ins);
            boolean multi = OnnxOps.MULTI_OUTPUT.contains(n.getOpType());
            int[] outs = new int[multi ? n.getOutputCount() : 1];
            for (int j = 1; j < n.getOutputCount(); j++) if (!multi) slots.put(n.getOutput(j), SECONDARY);
            for (int j = 0; j < outs.length; j++) {
                outs[j] = values.size();
                slots.put(n.getOutput(j), values.size());
                values.add(null);
            }
            outputSlots.add(outs);
        }
        outputName = g.getOutput(0).getName();
        outputSlot = slots.get(outputName);
        if (outputSlot == SECONDARY) {
            throw new OnnxFormatException("Onnx.load: the graph output '" + outputName + "' is a secondary output");
        }
        initial = values.toArray();
    }

    static OnnxModule read(Path file) throws IOException {
        return new OnnxModule(ModelReader.read(file));
    }

    /** Builds the module from a model's bytes (the checks of {@link Onnx#load}). */
    public static OnnxModule fromBytes(byte[] bytes) throws OnnxFormatException {
        return new OnnxModule(ModelReader.parse(bytes));
    }

    /** The operators this importer runs. */
    public static List<String> supportedOperators() {
        return List.copyOf(OnnxOps.SUPPORTED);
    }

    /** The input's element type (float32 or float64). */
    public DType dtype() {
        return dtype;
    }

    public String inputName() {
        return inputName;
    }

    /** The graph's inputs (besides initialisers), in its order: the first is {@link #inputName()}. */
    public List<String> inputNames() {
        return List.copyOf(inputNames);
    }

    public String outputName() {
        return outputName;
    }

    /** Runs a model of one input on {@code x}. */
    @Override
    public Variable forward(Variable x) {
        if (inputNames.size() != 1) {
            throw new IllegalArgumentException("OnnxModule: the model has " + inputNames.size() + " inputs "
                    + inputNames + "; give each by name (forward(Map) or predict(Map))");
        }
        if (x == null) throw new IllegalArgumentException("OnnxModule: input '" + inputName + "' must not be null");
        return forward(Map.of(inputName, x));
    }

    /**
     * Runs the model on its inputs by name: each float input in its declared dtype; an integer (INT64 or INT32) or
     * BOOL input as an INT32 tensor (a mask: non-zero is true).
     */
    public Variable forward(Map<String, Variable> inputs) {
        if (inputs == null || inputs.size() != inputNames.size() || !inputs.keySet().containsAll(inputNames)) {
            throw new IllegalArgumentException("OnnxModule: expected the inputs " + inputNames + ", got "
                    + (inputs == null ? "null" : inputs.keySet()));
        }
        Object[] env = initial.clone();
        for (int k = 0; k < inputSlots.length; k++) {
            Variable x = inputs.get(inputNames.get(k));
            DType expected = inputTypes.get(k);
            if (x == null || x.dtype() != expected) {
                throw new IllegalArgumentException("OnnxModule: input '" + inputNames.get(k) + "' is " + expected
                        + ", got " + (x == null ? "null" : x.dtype() + " " + x.shape()));
            }
            env[inputSlots[k]] = x;
        }
        for (int k = 0; k < steps.size(); k++) {
            int[] ins = argumentSlots.get(k);
            Object[] args = new Object[ins.length];
            for (int j = 0; j < ins.length; j++) args[j] = ins[j] < 0 ? null : env[ins[j]];
            try {
                Object result = steps.get(k).run(args);
                int[] outs = outputSlots.get(k);
                if (result instanceof OnnxOps.Outputs o) {
                    for (int j = 0; j < outs.length; j++) env[outs[j]] = o.values()[j];
                } else {
                    env[outs[0]] = result;
                }
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("OnnxModule:")) throw e;
                throw new IllegalArgumentException("OnnxModule: " + where.get(k) + " failed on inputs of shapes "
                        + shapes(args) + ": " + e.getMessage(), e);
            }
        }
        return OnnxOps.variable(env[outputSlot], "output '" + outputName + "'");
    }

    /** Runs the model on a tensor. */
    public Tensor predict(Tensor x) {
        try (var scope = dev.descent.autodiff.NoGrad.enter()) {
            return forward(Variable.constant(x)).value();
        }
    }

    /** Runs the model on tensors by input name (see {@link #forward(Map)}). */
    public Tensor predict(Map<String, Tensor> inputs) {
        if (inputs == null) throw new IllegalArgumentException("OnnxModule: inputs must not be null");
        Map<String, Variable> v = new java.util.LinkedHashMap<>();
        inputs.forEach((k, t) -> v.put(k, t == null ? null : Variable.constant(t)));
        try (var scope = dev.descent.autodiff.NoGrad.enter()) {
            return forward(v).value();
        }
    }

    private static String shapes(Object[] args) {
        List<String> s = new ArrayList<>();
        for (Object a : args) {
            s.add(a instanceof Variable v ? v.shape().toString() : a instanceof long[] l ? Arrays.toString(l) : "none");
        }
        return s.toString();
    }

    @Override
    protected String describe() {
        return "OnnxModule(nodes=" + steps.size() + ", inputs=" + inputNames + ", " + dtype + ")";
    }
}
