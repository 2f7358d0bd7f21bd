package dev.descent.onnx;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.TensorProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto.DataType;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Descent tensors to and from ONNX {@code TensorProto}s (little-endian {@code raw_data}, as ONNX stores it). */
final class TensorCodec {
    private TensorCodec() {
    }

    static int elemType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> DataType.FLOAT_VALUE;
            case FLOAT64 -> DataType.DOUBLE_VALUE;
            case INT32 -> DataType.INT32_VALUE;
        };
    }

    static TensorProto toProto(String name, Tensor t) {
        int n = t.size();
        ByteBuffer buf = ByteBuffer.allocate(n * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> buf.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> buf.asIntBuffer().put(t.toIntArray());
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(elemType(t.dtype()))
                .setRawData(ByteString.copyFrom(buf.array()));
        for (int d : t.shape().dims()) b.addDims(d);
        return b.build();
    }

    static TensorProto int64s(String name, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE).addDims(values.length)
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }
}
