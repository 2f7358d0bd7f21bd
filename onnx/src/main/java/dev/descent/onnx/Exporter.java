package dev.descent.onnx;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.BatchNorm;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.activations.GELU;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Dropout2d;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.MultiheadAttention;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.layers.TransformerEncoder;
import dev.descent.nn.layers.TransformerEncoderLayer;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.descent.onnx.proto.OnnxProto.TensorShapeProto;
import dev.descent.onnx.proto.OnnxProto.TypeProto;
import dev.descent.onnx.proto.OnnxProto.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a module into an ONNX model by running it once on the sample input and converting what ran.
 *
 * <p>Every module's call is recorded through a forward hook (its path, input and output); the operations in between
 * come from the autodiff graph, which records every primitive when the input requires a gradient. A module whose
 * ONNX form is known ({@link LayerExports}: the activations, whose attributes the graph does not keep, Flatten,
 * Dropout) is exported as that form; any other module (Sequential, a user's module) is exported as the primitive
 * operations recorded between its input and its output ({@link OpExports}), with the known child modules inside it
 * exported as themselves. Parameters become initialisers under their dotted names.
 */
final class Exporter {
    static final String INPUT = "input";
    static final String OUTPUT = "output";
    static final String BATCH = "batch";
    static final String SEQUENCE = "sequence";
    /** The leading axis of a per-head attention mask {@code (N·heads, L, S)}. */
    static final String BATCH_X_HEADS = "batch_x_heads";

    /** One module call seen during the trace. */
    record Call(String path, Module module, Variable input, Variable output) {
        /** The stem of the names of the values this call's layer form writes: its path ({@code out} for the root). */
        String hint() {
            return path.isEmpty() ? "out" : path;
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<Variable, String> parameterNames = new IdentityHashMap<>();
    private final Map<Variable, String> initialised = new IdentityHashMap<>();
    private final GraphWriter graph;
    private final int batch;

    private Exporter(DType dtype, int batch) {
        this.graph = new GraphWriter(dtype);
        this.batch = batch;
    }

    static ModelProto export(Module module, Tensor sample) {
        if (sample == null) throw new IllegalArgumentException("Onnx.export: sampleInput must not be null");
        return export(module, ExportInputs.of(sample));
    }

    static ModelProto export(Module module, ExportInputs inputs) {
        if (module == null) throw new IllegalArgumentException("Onnx.export: module must not be null");
        if (inputs == null) throw new IllegalArgumentException("Onnx.export: inputs must not be null");
        Tensor sample = inputs.input();
        if (sample.rank() < 1) {
            throw new IllegalArgumentException("Onnx.export: the sample input must be a batch (batch, ...) of "
                    + "float32 or float64 values or of INT32 indices, got " + sample.dtype() + " " + sample.shape());
        }
        checkEvalMode(module);
        boolean indices = !sample.dtype().isFloating();
        DType dtype = indices ? module.namedParameters().values().stream().map(Variable::dtype).findFirst()
                .orElse(DType.FLOAT32) : sample.dtype();
        Exporter e = new Exporter(dtype, sample.shape().dim(0));
        for (String name : inputs.names()) e.graph.fresh(name); // no node writes a graph input's name
        e.graph.fresh(OUTPUT);
        module.namedParameters().forEach((name, p) -> {
            e.parameterNames.putIfAbsent(p, name);
            if (p.dtype() != dtype) {
                throw new OnnxExportException("Onnx.export: parameter '" + name + "' is " + p.dtype() + " but "
                        + (indices ? "another is " : "the sample input is ") + dtype + "; export one dtype throughout");
            }
        });
        // indices (an Embedding's input) take no gradient: the trace starts at the layers they feed
        Variable x = indices ? Variable.constant(sample) : Variable.parameter(sample);
        String[] symbolic = symbolicAxes(module, sample.rank());
        GraphProto.Builder g = e.graph.graph;
        g.addInput(valueInfo(inputs.inputName(), sample.dtype(), sample.shape().dims(), symbolic));
        if (indices) { // NOTE: indices enter as INT64, as PyTorch's exports and ONNX Runtime's users give them
            g.setInput(0, g.getInput(0).toBuilder().setType(g.getInput(0).getType().toBuilder().setTensorType(
                    g.getInput(0).getType().getTensorType().toBuilder().setElemType(
                            dev.descent.onnx.proto.OnnxProto.TensorProto.DataType.INT64_VALUE))));
        }
        Variable[] y = new Variable[1];
        String out = inputs.hasMasks() ? e.convertMasked(module, x, inputs, symbolic, y)
                : e.convert(e.rootCall(module, x, y[0] = e.trace(module, "", x)), inputs.inputName());
        if (!g.getNodeList().isEmpty() && g.getNode(g.getNodeCount() - 1).getOutput(0).equals(out)) {
            g.setNode(g.getNodeCount() - 1, g.getNode(g.getNodeCount() - 1).toBuilder().setOutput(0, OUTPUT));
        } else {
            g.addNode(dev.descent.onnx.proto.OnnxProto.NodeProto.newBuilder().setOpType("Identity")
                    .setName("Identity_output").addInput(out).addOutput(OUTPUT));
        }
        g.setName(module.getClass().getSimpleName());
        int[] outDims = y[0].shape().dims();
        int leading = 0; // the output's leading axes that follow the input's symbolic ones
        while (leading < Math.min(symbolic.length, outDims.length) && outDims[leading] == sample.shape().dim(leading)) {
            leading++;
        }
        g.addOutput(valueInfo(OUTPUT, y[0].dtype(), outDims, java.util.Arrays.copyOf(symbolic, leading)));
        return ModelProto.newBuilder()
                .setIrVersion(Onnx.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(Onnx.OPSET))
                .setProducerName("Descent").setProducerVersion(Onnx.PRODUCER_VERSION)
                .setGraph(g).build();
    }

    /**
     * Exports an attention model whose masks are graph inputs: the attention layer (the module, or a Sequential's
     * first layer) runs with the masks and is exported with them; the Sequential's other layers are traced and
     * exported one by one on its output. Declares the masks' inputs; sets {@code y[0]} to Descent's output.
     */
    private String convertMasked(Module module, Variable x, ExportInputs inputs, String[] symbolic, Variable[] y) {
        Module first = module;
        String path = "";
        if (!AttentionExports.takesMasks(module) && module instanceof Sequential s && !s.children().isEmpty()) {
            var head = s.children().entrySet().iterator().next();
            first = head.getValue();
            path = head.getKey();
        }
        if (!AttentionExports.takesMasks(first)) {
            throw new OnnxExportException("Onnx.export: attention masks are exported for a MultiheadAttention, "
                    + "TransformerEncoderLayer or TransformerEncoder, or a Sequential whose first layer is one; module '"
                    + display(path) + "' is " + first.getClass().getSimpleName());
        }
        var attn = inputs.mask(ExportInputs.Role.ATTN_MASK);
        var padding = inputs.mask(ExportInputs.Role.KEY_PADDING_MASK);
        boolean batched = x.rank() == 3;
        boolean sequence = java.util.Arrays.asList(symbolic).contains(SEQUENCE);
        if (attn != null) {
            checkMask(attn, graph.dtype, path, first);
            boolean byHead = attn.sample().rank() == 3;
            String[] axes = sequence ? new String[] {byHead ? (batched ? BATCH_X_HEADS : null) : SEQUENCE, SEQUENCE,
                SEQUENCE} : new String[] {byHead && batched ? BATCH_X_HEADS : null};
            graph.graph.addInput(maskInfo(attn, axes));
        }
        if (padding != null) {
            checkMask(padding, graph.dtype, path, first);
            String[] axes = batched ? new String[] {BATCH, sequence ? SEQUENCE : null}
                    : new String[] {sequence ? SEQUENCE : null};
            graph.graph.addInput(maskInfo(padding, axes));
        }
        Variable h;
        try (NoGrad scope = NoGrad.enable()) {
            h = AttentionExports.forward(first, x, attn == null ? null : attn.sample(),
                    padding == null ? null : padding.sample());
        }
        AttentionExports.Mask mask = AttentionExports.additiveMask(graph, attn == null ? null : attn.name(),
                attn == null ? null : attn.sample(), padding == null ? null : padding.name(),
                padding == null ? null : padding.sample(), batched, AttentionExports.heads(first));
        String name = AttentionExports.convert(new Call(path, first, x, h), inputs.inputName(), mask, graph,
                this::parameter);
        if (first != module) {
            boolean skip = true;
            for (var c : module.children().entrySet()) {
                if (skip) {
                    skip = false;
                    continue;
                }
                Variable next = trace(c.getValue(), c.getKey(), h);
                name = convert(rootCall(c.getValue(), h, next), name);
                h = next;
            }
        }
        y[0] = h;
        return name;
    }

    private static void checkMask(ExportInputs.Mask m, DType dtype, String path, Module layer) {
        Tensor t = m.sample();
        if (t.dtype() != DType.INT32 && t.dtype() != dtype) {
            throw new OnnxExportException("Onnx.export: mask '" + m.name() + "' for module '" + display(path) + "' ("
                    + layer.getClass().getSimpleName() + ") must be INT32 (boolean) or " + dtype + ", the model's dtype, "
                    + "got " + t.dtype() + " " + t.shape());
        }
    }

    /** A mask's graph input: BOOL for an INT32 (boolean) mask, else its float type; {@code axes[i]} names axis i. */
    private static ValueInfoProto maskInfo(ExportInputs.Mask m, String[] axes) {
        ValueInfoProto v = valueInfo(m.name(), m.sample().dtype().isFloating() ? m.sample().dtype() : DType.INT32,
                m.sample().shape().dims(), axes);
        if (m.sample().dtype().isFloating()) return v;
        return v.toBuilder().setType(v.getType().toBuilder().setTensorType(v.getType().getTensorType().toBuilder()
                .setElemType(dev.descent.onnx.proto.OnnxProto.TensorProto.DataType.BOOL_VALUE))).build();
    }

    static ValueInfoProto valueInfo(String name, DType dtype, int[] dims, boolean symbolicBatch) {
        return valueInfo(name, dtype, dims, symbolicBatch ? new String[] {BATCH} : new String[0]);
    }

    /** A typed value whose leading axes are named {@code symbolic[i]} (a {@code null} one fixed), the others fixed to {@code dims}. */
    static ValueInfoProto valueInfo(String name, DType dtype, int[] dims, String[] symbolic) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            var d = TensorShapeProto.Dimension.newBuilder();
            if (i < symbolic.length && symbolic[i] != null) d.setDimParam(symbolic[i]);
            else d.setDimValue(dims[i]);
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorCodec.elemType(dtype)).setShape(shape))).build();
    }

    /**
     * The names of the input's symbolic leading axes: the batch; for a model of attention layers (the layer itself,
     * or a Sequential that starts with one and holds only attention, Linear, LayerNorm, Dropout and activation
     * layers), whose exported form holds no sequence length, the sequence axis too, in the layer's layout.
     */
    static String[] symbolicAxes(Module module, int rank) {
        Module first = module instanceof Sequential s && !s.children().isEmpty() ? s.children().values().iterator().next()
                : module;
        boolean attention = isAttention(first) && (module == first || module.children().values().stream().allMatch(
                c -> isAttention(c) || c instanceof Linear || c instanceof LayerNorm || c instanceof Dropout
                        || c instanceof ReLU || c instanceof GELU || c instanceof Tanh || c instanceof Sigmoid));
        if (!attention || rank < 2 || rank > 3) return new String[] {BATCH};
        if (rank == 2) return new String[] {SEQUENCE}; // unbatched (L, E)
        boolean batchFirst = first instanceof MultiheadAttention a ? a.batchFirst()
                : first instanceof TransformerEncoderLayer l ? l.batchFirst()
                : ((TransformerEncoder) first).layers().get(0).batchFirst();
        return batchFirst ? new String[] {BATCH, SEQUENCE} : new String[] {SEQUENCE, BATCH};
    }

    private static boolean isAttention(Module m) {
        return m instanceof MultiheadAttention || m instanceof TransformerEncoderLayer || m instanceof TransformerEncoder;
    }

    private static void checkEvalMode(Module root) {
        forEachModule(root, (path, m) -> {
            boolean training = m.isTraining() && (m instanceof Dropout d && d.p() > 0
                    || m instanceof Dropout2d d2 && d2.p() > 0 || m instanceof BatchNorm
                    || m instanceof MultiheadAttention a && a.dropout() > 0
                    || m instanceof dev.descent.nn.recurrent.RecurrentLayer r && r.options().dropout() > 0);
            if (training) {
                throw new OnnxExportException("Onnx.export: " + m.getClass().getSimpleName() + " at '" + display(path)
                        + "' is in training mode; call eval() before exporting (the ONNX model is for inference: "
                        + "dropout as the identity, batch normalisation with the running statistics)");
            }
        });
    }

    private interface ModuleVisitor {
        void visit(String path, Module module);
    }

    /** Every module of the tree with its dotted path, the root's being "", without recursion. */
    private static void forEachModule(Module root, ModuleVisitor visitor) {
        Deque<Map.Entry<String, Module>> todo = new ArrayDeque<>();
        todo.push(Map.entry("", root));
        while (!todo.isEmpty()) {
            var e = todo.pop();
            visitor.visit(e.getKey(), e.getValue());
            e.getValue().children().forEach((n, c) -> todo.push(Map.entry(e.getKey().isEmpty() ? n : e.getKey() + "." + n, c)));
        }
    }

    static String display(String path) {
        return path.isEmpty() ? "<root>" : path;
    }

    /** Runs {@code module} at {@code path} on {@code x}, recording every module's call (paths under {@code path}). */
    private Variable trace(Module module, String path, Variable x) {
        List<AutoCloseable> handles = new ArrayList<>();
        try (NoGrad scope = NoGrad.enable()) {
            forEachModule(module, (sub, m) -> handles.add(m.registerForwardHook((mm, in, out) -> calls.add(new Call(
                    path.isEmpty() ? sub : sub.isEmpty() ? path : path + "." + sub, mm, in, out)))));
            return module.apply(x);
        } finally {
            for (AutoCloseable h : handles) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // removing a hook from a list does not fail
                }
            }
        }
    }

    private Call rootCall(Module module, Variable x, Variable y) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            Call c = calls.get(i);
            if (c.module() == module && c.input() == x && c.output() == y) return c;
        }
        throw new IllegalStateException("Onnx.export: the module's own call was not traced");
    }

    /** Converts one module call whose input is the value {@code input}; returns its output's name. */
    private String convert(Call call, String input) {
        String known = LayerExports.convert(call, input, graph, this::parameter);
        if (known != null) return known;
        return convertRegion(call, input);
    }

    /**
     * The operations between a call's input and output, in topological order (an iterative post-order walk from the
     * output, so deep graphs do not overflow the stack).
     */
    private String convertRegion(Call call, String input) {
        Map<Variable, String> named = new IdentityHashMap<>();
        named.put(call.input(), input);
        Deque<Variable> stack = new ArrayDeque<>();
        Map<Variable, Boolean> expanded = new IdentityHashMap<>();
        stack.push(call.output());
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            if (named.containsKey(v)) {
                stack.pop();
                continue;
            }
            Call child = childCall(call, v);
            List<Variable> deps = child != null ? List.of(child.input()) : v.inputs();
            if (expanded.put(v, Boolean.TRUE) == null) {
                for (Variable d : deps) if (!named.containsKey(d)) stack.push(d);
                continue;
            }
            stack.pop();
            named.put(v, child != null ? convert(child, named.get(child.input())) : emit(call, v, named));
        }
        return named.get(call.output());
    }

    /** The outermost module called inside {@code region} whose output is {@code v} (not an identity call). */
    private Call childCall(Call region, Variable v) {
        Call best = null;
        for (Call c : calls) {
            if (c.output() != v || c.input() == v || c == region) continue;
            boolean inside = region.path().isEmpty() ? !c.path().isEmpty() : c.path().startsWith(region.path() + ".");
            if (inside && (best == null || c.path().length() < best.path().length())) best = c;
        }
        return best;
    }

    /** The initialiser of a parameter of the module, under its dotted name, written once. */
    private String parameter(Variable p) {
        String name = parameterNames.get(p);
        if (name == null) throw new IllegalStateException("Onnx.export: a layer's parameter is not among the module's");
        return initialised.computeIfAbsent(p, k -> graph.initializer(name, k.value()));
    }

    private String emit(Call region, Variable v, Map<Variable, String> named) {
        if (v.op() == null) {
            if (parameterNames.containsKey(v)) return parameter(v);
            Tensor c = v.value();
            if (c.rank() >= 1 && batch > 1 && c.shape().dim(0) == batch) {
                throw new OnnxExportException("Onnx.export: module '" + display(region.path()) + "' ("
                        + region.module().getClass().getSimpleName() + ") uses a constant of shape " + c.shape()
                        + " that depends on the batch (softmax, logSoftmax and logSumExp on variables hold such "
                        + "constants): use the Softmax or LogSoftmax module");
            }
            if (!c.dtype().isFloating()) {
                throw new OnnxExportException("Onnx.export: module '" + display(region.path()) + "' uses an "
                        + c.dtype() + " constant " + c.shape() + "; only float constants are exported");
            }
            return graph.initializer("const", c);
        }
        List<String> inputs = new ArrayList<>();
        for (Variable in : v.inputs()) inputs.add(named.get(in));
        return OpExports.emit(region, v, inputs, graph);
    }
}
