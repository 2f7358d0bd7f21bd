package dev.descent.onnx;

import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Mutations of a parsed ONNX model that stay valid protobuf (for {@link OnnxFuzzTest}). */
final class StructureMutations {
    static final long[] EXTREMES = {Long.MIN_VALUE, -(1L << 40), -(1L << 31), -2, -1, 0, 1, 2, 3, 7, 1 << 16,
            (1 << 16) + 1, Integer.MAX_VALUE, 1L << 31, 1L << 40, Long.MAX_VALUE};
    static final float[] FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, -1, 1e-30f, 1e30f};
    static final String[] ATTRIBUTES = {"pads", "strides", "dilations", "kernel_shape", "group", "axis", "axes",
            "perm", "keepdims", "ceil_mode", "count_include_pad", "output_padding", "transA", "transB", "epsilon",
            "alpha", "beta", "allowzero", "auto_pad", "training_mode", "to"};

    private StructureMutations() {
    }

    static ModelProto mutate(ModelProto model, Random r) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && g.getNodeCount() > 0; e++) {
            int at = r.nextInt(g.getNodeCount());
            NodeProto.Builder n = g.getNode(at).toBuilder();
            switch (r.nextInt(7)) {
                case 0, 1 -> {
                    if (n.getAttributeCount() == 0) break;
                    int k = r.nextInt(n.getAttributeCount());
                    n.setAttribute(k, extreme(n.getAttribute(k), r));
                }
                case 2 -> n.addAttribute(extreme(AttributeProto.newBuilder()
                        .setName(ATTRIBUTES[r.nextInt(ATTRIBUTES.length)])
                        .setType(r.nextBoolean() ? AttributeType.INTS : AttributeType.INT).build(), r));
                case 3 -> {
                    if (g.getInitializerCount() == 0) break;
                    int k = r.nextInt(g.getInitializerCount());
                    TensorProto.Builder t = g.getInitializer(k).toBuilder();
                    if (t.getDimsCount() > 0 && r.nextBoolean()) {
                        t.setDims(r.nextInt(t.getDimsCount()), pick(r) & 0xffff);
                    } else if (r.nextBoolean()) {
                        t.addDims(1 + r.nextInt(3));
                    } else {
                        t.clearDims();
                    }
                    g.setInitializer(k, t);
                }
                case 4 -> {
                    List<String> names = names(g, at);
                    if (n.getInputCount() == 0 || names.isEmpty()) break;
                    n.setInput(r.nextInt(n.getInputCount()), names.get(r.nextInt(names.size())));
                }
                case 5 -> {
                    if (n.getInputCount() > 0 && r.nextBoolean()) {
                        List<String> kept = new ArrayList<>(n.getInputList());
                        kept.remove(r.nextInt(kept.size()));
                        n.clearInput().addAllInput(kept);
                    } else {
                        List<String> names = names(g, at);
                        if (!names.isEmpty()) n.addInput(names.get(r.nextInt(names.size())));
                    }
                }
                default -> {
                    List<String> ops = new ArrayList<>(OnnxOps.SUPPORTED);
                    n.setOpType(ops.get(r.nextInt(ops.size())));
                }
            }
            g.setNode(at, n);
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static long pick(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(9) - 2 : EXTREMES[r.nextInt(EXTREMES.length)];
    }

    private static AttributeProto extreme(AttributeProto a, Random r) {
        AttributeProto.Builder b = a.toBuilder();
        switch (a.getType()) {
            case INTS -> {
                b.clearInts();
                int count = a.getIntsCount() > 0 && r.nextInt(4) > 0 ? a.getIntsCount() : r.nextInt(7);
                for (int i = 0; i < count; i++) {
                    b.addInts(i < a.getIntsCount() && r.nextBoolean() ? a.getInts(i) : pick(r));
                }
            }
            case FLOAT -> b.setF(FLOATS[r.nextInt(FLOATS.length)]);
            case STRING -> b.setS(com.google.protobuf.ByteString.copyFromUtf8(
                    new String[] {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "???"}[r.nextInt(5)]));
            default -> b.setI(pick(r));
        }
        return b.build();
    }

    /** The values defined before node {@code at}: initialisers, inputs, earlier nodes' outputs, and one undefined. */
    private static List<String> names(GraphProto.Builder g, int at) {
        List<String> names = new ArrayList<>();
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getInputList().forEach(v -> names.add(v.getName()));
        for (int i = 0; i < at; i++) names.addAll(g.getNode(i).getOutputList());
        names.add("undefined");
        return names;
    }
}
