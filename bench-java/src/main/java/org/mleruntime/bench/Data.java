package org.mleruntime.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rows every contender scores: a row-major float64 matrix read from a raw little-endian file,
 * with a float32 copy for runtimes whose model takes float32 (ONNX models converted by skl2onnx).
 */
public record Data(int rows, int cols, double[] values, float[] floats) {
    private static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static Data read(Path file, int rows, int cols) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != (long) rows * cols * Double.BYTES) {
            throw new IOException(file + " holds " + bytes.length + " bytes, not " + rows + " × " + cols + " float64 values");
        }
        double[] values = MemorySegment.ofArray(bytes).toArray(LE_DOUBLE);
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return new Data(rows, cols, values, floats);
    }
}
