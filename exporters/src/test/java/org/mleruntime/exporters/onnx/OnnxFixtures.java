package org.mleruntime.exporters.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.ir.Tensor;

/** The fixtures written by {@code onnx/make_onnx_fixtures.py}: model folders, and the inputs and ONNX Runtime's outputs of those with data. */
final class OnnxFixtures {
    private OnnxFixtures() {}

    static Path dir() {
        try {
            return Path.of(OnnxFixtures.class.getResource("/onnx/make_onnx_fixtures.py").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path model(String name) {
        return dir().resolve(name).resolve("model.onnx");
    }

    /** A fixture with data: its model file and its named inputs and expected outputs, in file order. */
    record Case(String name, Path model, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> withData() {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir())) {
            for (Path folder : folders.sorted().toList()) {
                Path data = folder.resolve("test_data_set_0");
                if (Files.isDirectory(data)) {
                    out.add(new Case(folder.getFileName().toString(), folder.resolve("model.onnx"), tensors(data, "input_"),
                            tensors(data, "output_")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, Tensor> tensors(Path data, String prefix) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int k = 0; Files.exists(data.resolve(prefix + k + ".pb")); k++) {
            TensorProto t = parse(Files.readAllBytes(data.resolve(prefix + k + ".pb")));
            out.put(t.getName(), new TensorDecoder(ExternalData.NONE).decode(t, t.getName()));
        }
        return out;
    }

    private static TensorProto parse(byte[] bytes) {
        try {
            return TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
