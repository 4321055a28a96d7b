package org.mleruntime.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.CorruptFileException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.MleException;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.quantize.QuantizationMode;
import org.mleruntime.quantize.Quantizer;

/**
 * Files crafted the way an attacker who knows the format would craft them (CRCs recomputed), and a
 * writer killed mid-write: each is refused with a typed error that names the problem, allocates
 * nothing it was not entitled to, or is cleaned up.
 */
class HostileFileTest {
    @TempDir
    Path dir;

    private byte[] classifierBytes() throws IOException {
        Path p = dir.resolve("m.mle");
        ModelFileWriter.write(TestModels.classifier(), p);
        return Files.readAllBytes(p);
    }

    private Path save(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private <T extends Throwable> T refused(Class<T> type, byte[] bytes, String... words) throws IOException {
        Path p = save("crafted.mle", bytes);
        T e = assertThrows(type, () -> ModelFile.open(p).close());
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage());
        }
        return e;
    }

    @Test
    void bytesAfterTheSectionTableAreRefused() throws IOException {
        byte[] original = classifierBytes();
        byte[] extended = Arrays.copyOf(original, original.length + 1000);
        refused(CorruptFileException.class, new FileSurgery(extended).putLong(32, extended.length).resealed().bytes(), "follow the section table");
    }

    @Test
    void reservedHeaderAndTableBytesMustBeZero() throws IOException {
        byte[] original = classifierBytes();
        refused(CorruptFileException.class, new FileSurgery(original).putInt(56, 7).resealed().bytes(), "reserved");
        FileSurgery surgery = new FileSurgery(original);
        refused(CorruptFileException.class, surgery.putInt(surgery.entryField(SectionKind.GRAPH, 40), 1).resealed().bytes(), "reserved");
    }

    @Test
    void aChangedSignatureIsNoticedWithoutAKey() throws IOException {
        Path p = dir.resolve("signed.mle");
        ModelFileWriter.write(TestModels.classifier(), p, WriteOptions.defaults().signed(SigningKey.generate()));
        FileSurgery surgery = new FileSurgery(Files.readAllBytes(p));
        refused(CorruptFileException.class, surgery.flip(surgery.entry(SectionKind.SIGNATURE).offset() + 40).bytes(), "SIGNATURE");
    }

    @Test
    void aVectorLengthBeyondItsSectionAllocatesNothing() {
        long[] marker = {0x1122334455667788L, 0x0102030405060708L, 0x7766554433221100L};
        Model model = TestModels.classifier();
        List<org.mleruntime.ir.Node> nodes = new java.util.ArrayList<>(model.graph().nodes());
        org.mleruntime.ir.Node first = nodes.get(0);
        Map<String, Attribute> attrs = new java.util.LinkedHashMap<>(first.attributes());
        attrs.put("marker", new Attribute.Ints(marker));
        nodes.set(0, new org.mleruntime.ir.Node(first.name(), first.opType(), first.opsetVersion(), first.inputs(), first.outputs(), attrs));
        Graph graph = model.graph().withNodes(nodes, model.graph().constants());
        byte[] encoded = GraphCodec.encodeGraph(graph, GraphCodec.TensorLayout.of(graph));
        ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 4; i + 8 <= encoded.length; i++) {
            if (b.getLong(i) == marker[0] && b.getInt(i - 4) == marker.length) {
                at = i - 4;
            }
        }
        assertTrue(at >= 0, "the marker vector is in the encoded graph");
        b.putInt(at, Integer.MAX_VALUE / 8);
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> GraphCodec.decodeGraph(ByteBuffer.wrap(encoded), java.lang.foreign.MemorySegment.NULL.reinterpret(1 << 20)));
        assertTrue(e.getMessage().contains("attribute 'marker'") && e.getMessage().contains("more than its section"), e.getMessage());
    }

    @Test
    void symbolicDimensionNamesSurviveTheFileAndBadOnesAreRefused() {
        Graph graph = SampleModels.sequenceSpread().graph();
        byte[] encoded = GraphCodec.encodeGraph(graph, GraphCodec.TensorLayout.of(graph));
        java.lang.foreign.MemorySegment none = java.lang.foreign.MemorySegment.NULL.reinterpret(1 << 20);
        Graph decoded = GraphCodec.decodeGraph(ByteBuffer.wrap(encoded), none);
        assertEquals("[batch, seq]", decoded.inputs().getFirst().shape().toString());
        String text = new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("seq");
        assertTrue(at > 0, "the name is in the encoded graph");
        byte[] spaced = encoded.clone();
        spaced[at + 1] = ' ';
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphCodec.decodeGraph(ByteBuffer.wrap(spaced), none));
        assertTrue(e.getMessage().contains("symbolic dimension 1") && e.getMessage().contains("unprintable"), e.getMessage());
    }

    @Test
    void inputsAndOutputsOnlyHaveDtypesACallerCanPass() {
        Graph graph = TestModels.classifier().graph();
        ValueInfo input = graph.inputs().get(0);
        for (DType storageOnly : List.of(DType.FLOAT16, DType.INT8)) {
            Graph crafted = new Graph(List.of(new ValueInfo(input.name(), storageOnly, input.shape())), graph.outputs(), graph.constants(), graph.nodes());
            InvalidModelException e = assertThrows(InvalidModelException.class, crafted::validated);
            assertTrue(e.getMessage().contains(input.name()) && e.getMessage().contains(storageOnly.label()), e.getMessage());
        }
        ValueInfo output = graph.outputs().get(0);
        Graph crafted = new Graph(graph.inputs(), List.of(new ValueInfo(output.name(), DType.FLOAT16, output.shape())), graph.constants(), graph.nodes());
        assertThrows(InvalidModelException.class, crafted::validated);
    }

    @Test
    void theMemoryLimitCoversDequantizedWeights() throws IOException {
        Model quantized = Quantizer.quantize(SampleModels.mlp(32, 512, 8), QuantizationMode.FP16, null).model();
        Path p = dir.resolve("fp16.mle");
        ModelFileWriter.write(quantized, p);
        long fileBytes = Files.size(p);
        // The float64 weights the session derives take four times the float16 ones: far more than the file.
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> MleModel.open(p, OpenOptions.defaults().withMaxMemoryBytes(2 * fileBytes), SessionOptions.defaults()).close());
        assertTrue(e.getMessage().contains("memory limit") && e.getMessage().contains("folding"), e.getMessage());
        MleModel.open(p, OpenOptions.defaults().withMaxMemoryBytes(8 * fileBytes), SessionOptions.defaults()).close();
    }

    @Test
    void theDefaultMemoryLimitIsFarBelowHalfTheMachine() {
        long physical = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        assertTrue(OpenOptions.DEFAULT_MAX_MEMORY_BYTES <= Math.max(1L << 30, physical / 8), OpenOptions.DEFAULT_MAX_MEMORY_BYTES + " of " + physical);
    }

    @Test
    void aKilledWritersLeftoverIsRemovedByTheNextWriteButAWriteInProgressIsNot() throws IOException {
        Path target = dir.resolve("model.mle");
        Path abandoned = Files.write(dir.resolve(".model.mle.123456.partial"), new byte[4096]);
        Path inProgress = Files.write(dir.resolve(".model.mle.654321.partial"), new byte[4096]);
        Path otherModels = Files.write(dir.resolve(".other.mle.1.partial"), new byte[16]);
        try (FileChannel ch = FileChannel.open(inProgress, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            ModelFileWriter.write(TestModels.classifier(), target);
        }
        assertFalse(Files.exists(abandoned), "a leftover nobody holds is removed");
        assertTrue(Files.exists(inProgress), "a temporary file still being written is left alone");
        assertTrue(Files.exists(otherModels), "another target's temporary files are not touched");
        try (ModelFile f = ModelFile.open(target)) {
            assertEquals(3, f.sections().size());
        }
    }

    @Test
    void everyFailureToOpenIsAnEngineError() throws IOException {
        byte[] original = classifierBytes();
        for (int at = 64; at < original.length; at += 7) {
            byte[] changed = new FileSurgery(original).flip(at).resealed().bytes();
            Path p = save("flipped.mle", changed);
            try {
                MleModel.open(p).close();
            } catch (MleException expected) {
                // Refused with a typed error, or the change did not matter: both are fine.
            }
        }
    }
}
