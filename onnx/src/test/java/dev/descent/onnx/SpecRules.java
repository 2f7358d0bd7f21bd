package dev.descent.onnx;

import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;
import dev.descent.onnx.proto.OnnxProto.ValueInfoProto;

import java.util.HashSet;
import java.util.Set;

/**
 * The ONNX IR rules an exported file must keep (onnx/docs/IR.md), checked independently of the importer: a model
 * version and a default-domain opset; graph inputs and outputs typed as tensors with an element type and a shape;
 * value names defined once (SSA); nodes in topological order; the graph output produced; typed attributes; dense
 * initialisers whose data fits their shape.
 */
final class SpecRules {
    private SpecRules() {
    }

    static void check(ModelProto m) {
        require(m.getIrVersion() >= 3, "ir_version set");
        require(m.getOpsetImportList().stream().anyMatch(o -> o.getDomain().isEmpty() && o.getVersion() > 0),
                "an opset of the default domain is imported");
        GraphProto g = m.getGraph();
        require(!g.getName().isEmpty(), "the graph has a name");
        Set<String> defined = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            require(!t.getName().isEmpty(), "initialisers are named");
            require(defined.add(t.getName()), "initialiser '" + t.getName() + "' is defined once");
            long n = 1;
            for (long d : t.getDimsList()) n *= d;
            int width = switch (t.getDataType()) {
                case 1, 6 -> 4;
                case 7, 11 -> 8;
                default -> throw new AssertionError("unexpected initialiser type " + t.getDataType());
            };
            require(t.getRawData().size() == n * width, "initialiser '" + t.getName() + "' data fits its shape");
        }
        for (ValueInfoProto v : g.getInputList()) {
            typed(v);
            require(defined.add(v.getName()), "input '" + v.getName() + "' is defined once");
        }
        require(g.getOutputCount() >= 1, "the graph has an output");
        for (ValueInfoProto v : g.getOutputList()) typed(v);
        for (NodeProto n : g.getNodeList()) {
            require(!n.getOpType().isEmpty(), "nodes have an op type");
            for (String in : n.getInputList()) {
                require(in.isEmpty() || defined.contains(in), "node " + n.getName() + " input '" + in
                        + "' is defined before it (topological order)");
            }
            for (AttributeProto a : n.getAttributeList()) {
                require(!a.getName().isEmpty() && a.hasType(), "attributes of " + n.getName() + " are named and typed");
                switch (a.getType()) {
                    case FLOAT -> require(a.hasF(), "FLOAT attribute " + a.getName() + " has f");
                    case INT -> require(a.hasI(), "INT attribute " + a.getName() + " has i");
                    case STRING -> require(a.hasS(), "STRING attribute " + a.getName() + " has s");
                    case TENSOR -> require(a.hasT(), "TENSOR attribute " + a.getName() + " has t");
                    case INTS, FLOATS -> { }
                    case STRINGS -> require(a.getStringsCount() > 0, "STRINGS attribute " + a.getName() + " has strings");
                    default -> throw new AssertionError("unexpected attribute type " + a.getType());
                }
            }
            for (String out : n.getOutputList()) {
                require(defined.add(out), "node " + n.getName() + " output '" + out + "' is defined once");
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            require(defined.contains(v.getName()), "graph output '" + v.getName() + "' is produced");
        }
    }

    private static void typed(ValueInfoProto v) {
        require(v.hasType() && v.getType().hasTensorType(), "'" + v.getName() + "' is a tensor");
        var t = v.getType().getTensorType();
        require(t.getElemType() == 1 || t.getElemType() == 11 || t.getElemType() == 7 || t.getElemType() == 9,
                "'" + v.getName() + "' is float, double, int64 or bool");
        require(t.hasShape(), "'" + v.getName() + "' has a shape");
        for (var d : t.getShape().getDimList()) {
            require(d.hasDimParam() || (d.hasDimValue() && d.getDimValue() > 0), "'" + v.getName() + "' dims are set");
        }
    }

    private static void require(boolean ok, String rule) {
        if (!ok) throw new AssertionError("ONNX rule broken: " + rule);
    }
}
