package org.mleruntime.exporters.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.mleruntime.exporters.onnx.proto.GraphProto;
import org.mleruntime.exporters.onnx.proto.ModelProto;
import org.mleruntime.exporters.onnx.proto.NodeProto;
import org.mleruntime.exporters.onnx.proto.OperatorSetIdProto;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.exporters.onnx.proto.TensorShapeProto;
import org.mleruntime.exporters.onnx.proto.TypeProto;
import org.mleruntime.exporters.onnx.proto.ValueInfoProto;

/** Small ONNX models built with the protobuf classes, for tests that need a file the onnx package would refuse to write. */
final class OnnxModels {
    private OnnxModels() {}

    static ValueInfoProto floats(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String param) {
                dim.setDimParam(param);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput(output).build();
    }

    /** A float32 initializer holding {@code values} as raw little-endian bytes with the given dims. */
    static TensorProto rawFloats(String name, long[] dims, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    /** A model of opset 17 reading input "x" [N, 2] and writing "y" [N, 2]. */
    static ModelProto model(List<NodeProto> nodes, List<TensorProto> initializers) {
        GraphProto graph = GraphProto.newBuilder().setName("test").addInput(floats("x", "N", 2)).addOutput(floats("y", "N", 2))
                .addAllNode(nodes).addAllInitializer(initializers).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setProducerName("OnnxModels").setGraph(graph).build();
    }

    /** A model adding the initializer {@code b} to its input. */
    static ModelProto adding(TensorProto b) {
        return model(List.of(node("Add", List.of("x", "b"), "y")), List.of(b));
    }
}
