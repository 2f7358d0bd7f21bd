package dev.descent.onnx;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction: nodes in the order they are added (the exporter adds them in topological
 * order), initialisers, and unique value names.
 */
final class GraphWriter {
    final GraphProto.Builder graph = GraphProto.newBuilder();
    final DType dtype;
    private final Map<String, Integer> used = new HashMap<>();
    private int nodes;

    GraphWriter(DType dtype) {
        this.dtype = dtype;
    }

    /** A name not used yet, {@code hint} itself when it is free. */
    String fresh(String hint) {
        String base = hint.isEmpty() ? "v" : hint;
        Integer n = used.get(base);
        if (n == null) {
            used.put(base, 1);
            return base;
        }
        String name;
        do {
            name = base + "_" + n++;
        } while (used.containsKey(name));
        used.put(base, n);
        used.put(name, 1);
        return name;
    }

    /** Adds a node with one output and returns that output's name. */
    String node(String opType, String hint, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(hint);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodes++)
                .addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attributes) n.addAttribute(a);
        graph.addNode(n);
        return out;
    }

    String initializer(String hint, Tensor value) {
        String name = fresh(hint);
        graph.addInitializer(TensorCodec.toProto(name, value));
        return name;
    }

    String int64s(String hint, long... values) {
        String name = fresh(hint);
        graph.addInitializer(TensorCodec.int64s(name, values));
        return name;
    }

    /** A scalar initialiser of the graph's floating dtype. */
    String scalar(String hint, double value) {
        return initializer(hint, Tensor.on(dev.descent.core.Backends.get(), dtype).scalar(value));
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF((float) value).build();
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto strings(String name, List<String> values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.STRINGS);
        for (String v : values) b.addStrings(com.google.protobuf.ByteString.copyFromUtf8(v));
        return b.build();
    }

    static AttributeProto tensorAttr(String name, Tensor value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR)
                .setT(TensorCodec.toProto("", value)).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) b.addInts(v);
        return b.build();
    }
}
