package org.mleruntime.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.Converters;
import org.mleruntime.exporters.onnx.proto.ModelProto;
import org.mleruntime.exporters.onnx.proto.NodeProto;
import org.mleruntime.exporters.onnx.proto.OperatorSetIdProto;
import org.mleruntime.exporters.onnx.proto.StringStringEntryProto;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.ir.Model;

/**
 * Hostile and unsupported files: each is refused with one error that says what is wrong, never
 * an out-of-memory error, an out-of-bounds read or a file outside the model's folder read.
 */
class OnnxErrorsTest {
    @TempDir
    Path tmp;

    private static InvalidModelException refused(ModelProto model) {
        return assertThrows(InvalidModelException.class, () -> Converters.convert("onnx", "test.onnx", model.toByteArray(), Map.of()));
    }

    private static void contains(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' is not in: " + e.getMessage());
        }
    }

    @Test
    void aTruncatedFileIsNotReadable() throws IOException {
        byte[] whole = Files.readAllBytes(OnnxFixtures.model("gemm_mlp"));
        for (int length : new int[] {whole.length / 2, whole.length - 1, 3}) {
            InvalidModelException e = assertThrows(InvalidModelException.class,
                    () -> Converters.convert("onnx", "cut.onnx", Arrays.copyOf(whole, length), Map.of()));
            contains(e, "cut.onnx is not a readable ONNX model (" + length + " bytes)");
        }
    }

    @Test
    void aTensorMustHoldExactlyWhatItsDimsSay() {
        contains(refused(OnnxModels.adding(OnnxModels.rawFloats("b", new long[] {1L << 30, 1L << 30}, 1f))), "initializer 'b'",
                "more than the 2 GiB a tensor may have");
        contains(refused(OnnxModels.adding(OnnxModels.rawFloats("b", new long[] {3}, 1f, 2f))), "needs 12 bytes of raw_data, found 8");
        contains(refused(OnnxModels.adding(OnnxModels.rawFloats("b", new long[] {1L << 40, 1L << 40}))), "more elements than a 64-bit count");
        contains(refused(OnnxModels.adding(OnnxModels.rawFloats("b", new long[] {-2}))), "negative dimension -2");
        TensorProto typed = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2).addDims(1 << 20)
                .addFloatData(1f).build();
        contains(refused(OnnxModels.adding(typed)), "needs 2097152 values, found 1");
        TensorProto bool = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.BOOL_VALUE).addDims(1).addInt32Data(7).build();
        contains(refused(OnnxModels.adding(bool)), "holds 7 in int32_data, which is not a BOOL");
        TensorProto strings = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.STRING_VALUE).addDims(1).build();
        contains(refused(OnnxModels.adding(strings)), "element type STRING");
    }

    private static TensorProto external(String location, long offset, long length) {
        return TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length))).build();
    }

    /** Writes {@code model} as model.onnx in a folder of its own under the test's folder, with an 8-byte weights.bin beside it. */
    private Path saved(String folder, ModelProto model) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(folder));
        Files.write(dir.resolve("weights.bin"), new byte[8]);
        return Files.write(dir.resolve("model.onnx"), model.toByteArray());
    }

    private static InvalidModelException refused(Path file) {
        return assertThrows(InvalidModelException.class, () -> Converters.convert("onnx", file));
    }

    @Test
    void externalDataStaysInsideTheModelsFolder() throws IOException {
        Files.write(tmp.resolve("secret.bin"), new byte[8]);
        contains(refused(saved("a", OnnxModels.adding(external("../secret.bin", 0, 8)))), "leaves the model's folder through '..'");
        contains(refused(saved("b", OnnxModels.adding(external("sub/../../secret.bin", 0, 8)))), "through '..'");
        contains(refused(saved("c", OnnxModels.adding(external(tmp.resolve("secret.bin").toString(), 0, 8)))), "absolute external data location");
        Path linked = saved("d", OnnxModels.adding(external("link.bin", 0, 8)));
        Files.createSymbolicLink(linked.resolveSibling("link.bin"), tmp.resolve("secret.bin"));
        contains(refused(linked), "a link that leads out of the model's folder");
        contains(refused(saved("e", OnnxModels.adding(external("weights.bin", 4, 8)))), "reads bytes 4 to 12 of 'weights.bin', which has 8");
        contains(refused(saved("f", OnnxModels.adding(external("weights.bin", Long.MAX_VALUE, 8)))), "which has 8");
        contains(refused(saved("g", OnnxModels.adding(external("weights.bin", 0, 4)))), "declares 4 bytes of external data", "need 8");
        contains(refused(saved("h", OnnxModels.adding(external("absent.bin", 0, 8)))), "cannot be opened beside the model");
        contains(refused(OnnxModels.adding(external("weights.bin", 0, 8))), "external file 'weights.bin'", "convert the model from its file path");
    }

    @Test
    void externalDataInsideTheFolderIsRead() throws IOException {
        Model model = Converters.convert("onnx", saved("ok", OnnxModels.adding(external("weights.bin", 0, 8))));
        assertEquals(2, model.graph().constants().get("b").elementCount());
    }

    @Test
    void everyUnsupportedOperatorIsNamedAtOnce() {
        NodeProto custom = NodeProto.newBuilder().setOpType("Frobnicate").setDomain("com.example").addInput("x").addOutput("f").build();
        ModelProto model = OnnxModels.model(List.of(OnnxModels.node("TopK", List.of("x", "k"), "t1"), OnnxModels.node("TopK", List.of("t1", "k"), "t2"),
                OnnxModels.node("NonZero", List.of("t2"), "l"), custom, OnnxModels.node("Relu", List.of("x"), "y")), List.of());
        model = model.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1)).build();
        InvalidModelException all = refused(model);
        contains(all, "3 operators", "TopK (ai.onnx, opset 17) × 2 nodes", "NonZero (ai.onnx, opset 17) × 1 node",
                "Frobnicate (com.example, a domain the importer does not read) × 1 node", "Supported", "Gemm (7+)");
    }

    @Test
    void scikitLearnClassifiersNeedTheMlDomain() {
        InvalidModelException logistic = refused(OnnxFixtures.model("skl_logistic_regression"));
        contains(logistic, "LinearClassifier (ai.onnx.ml", "Normalizer (ai.onnx.ml");
        contains(refused(OnnxFixtures.model("skl_mlp_classifier")), "1 operator the importer does not translate", "ArrayFeatureExtractor (ai.onnx.ml");
    }

    @Test
    void symbolicDimensionsKeepTheirNames() {
        ModelProto model = OnnxModels.model(List.of(OnnxModels.node("Relu", List.of("x"), "y")), List.of());
        model = model.toBuilder().setGraph(model.getGraph().toBuilder().setInput(0, OnnxModels.floats("x", "batch", "features"))).build();
        Model converted = Converters.convert("onnx", "m.onnx", model.toByteArray(), Map.of());
        assertEquals("[batch, features]", converted.graph().inputs().getFirst().shape().toString());
    }

    @Test
    void theOperatorSetMustBeOneTheImporterReads() {
        ModelProto relu = OnnxModels.model(List.of(OnnxModels.node("Relu", List.of("x"), "y")), List.of());
        contains(refused(relu.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(6)).build()), "operator set 6",
                "7 to 28");
        contains(refused(relu.toBuilder().clearOpsetImport().build()), "does not import the default ONNX operator set");
        contains(refused(relu.toBuilder().setIrVersion(2).build()), "IR version 2");
    }

    @Test
    void whatTheEngineCannotComputeIsNamed() {
        TensorProto w = OnnxModels.rawFloats("w", new long[] {2, 2}, 1f, 2f, 3f, 4f);
        NodeProto transA = OnnxModels.node("Gemm", List.of("x", "w"), "y").toBuilder()
                .addAttribute(org.mleruntime.exporters.onnx.proto.AttributeProto.newBuilder().setName("transA").setI(1)
                        .setType(org.mleruntime.exporters.onnx.proto.AttributeProto.AttributeType.INT)).build();
        contains(refused(OnnxModels.model(List.of(transA), List.of(w))), "(Gemm): the batch dimension must be A's rows");
        contains(refused(OnnxModels.model(List.of(OnnxModels.node("Conv", List.of("x", "w"), "y")), List.of(w))),
                "(Conv): X must be [N, C, D1…Dr]");
        contains(refused(OnnxModels.model(List.of(OnnxModels.node("Relu", List.of("z"), "y")), List.of())),
                "reads 'z', which no graph input, initializer or earlier node defines");
        contains(refused(OnnxModels.model(List.of(), List.of())), "graph output 'y' is computed by no node");
    }
}
