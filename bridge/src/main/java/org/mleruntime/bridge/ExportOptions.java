package org.mleruntime.bridge;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.mleruntime.format.Compression;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.WriteOptions;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.quantize.QuantizationMode;
import org.mleruntime.quantize.Quantizer;

/**
 * What an export does beyond writing the model: compression, quantization (with its calibration
 * rows or a network's example inputs), signature and encryption, set call by call from Python, then applied to a model by
 * {@link #write}. Keys arrive as the bytes of a key file or raw keys; a bad one is refused with
 * {@link IllegalArgumentException} when it is set.
 */
public final class ExportOptions {
    private WriteOptions write = WriteOptions.defaults();
    private QuantizationMode quantization;
    private Tensor calibration;
    private final List<Tensor> call = new ArrayList<>();
    private String whoseCall = "";

    /** Compression codec ("none", "lz4", "zstd", "brotli") at {@code level}, or the codec's default level when it is negative. */
    public void compression(String codec, int level) {
        Compression c = Compression.fromLabel(codec);
        write = level < 0 ? write.compressed(c) : write.compressed(c, level);
    }

    public void quantize(String mode) {
        quantization = QuantizationMode.fromLabel(mode);
    }

    /** Copies {@code rows × cols} float64 values (C order) at native {@code address} as calibration rows. */
    public void calibration(long address, long rows, long cols) {
        Tensor t = Tensors.zeros(DType.FLOAT64, Shape.of(rows, cols));
        MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(rows * cols * 8), 0, t.data(), 0, rows * cols * 8);
        calibration = t;
    }

    /**
     * Copies {@code byteLength} bytes at native {@code address} (C order) as the next input of the
     * call a quantization is measured on when no calibration rows are given: a network's example
     * ({@code given} false) or its calibration inputs.
     */
    public void callInput(String dtype, long[] dims, long address, long byteLength, boolean given) {
        DType t = ModelWriter.dtype(dtype);
        Shape shape = ModelWriter.shape(dims, "calibration input " + call.size());
        if (!t.isNumeric() || byteLength != shape.elementCount() * t.byteSize()) {
            throw new IllegalArgumentException("calibration input " + call.size() + " of " + dtype + shape + " cannot take " + byteLength + " bytes");
        }
        Tensor copy = Tensors.zeros(t, shape);
        MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(byteLength), 0, copy.data(), 0, byteLength);
        call.add(copy);
        whoseCall = given ? "the calibration inputs given" : "the example inputs of the export";
    }

    public void signingKey(byte[] material) {
        write = write.signed(SigningKey.of(material));
    }

    public void encryptionKey(byte[] material) {
        write = write.encrypted(EncryptionKey.of(material));
    }

    /**
     * Quantizes (when asked), records the calibration rows' input ranges, writes {@code model} to
     * {@code path} and returns a JSON report: path, file size, and the quantization report or null.
     */
    String write(Model model, String path) {
        if (calibration != null && quantization == null) {
            throw new IllegalArgumentException("calibration rows are only used with quantization");
        }
        Model out = model;
        Map<String, Object> report = new LinkedHashMap<>();
        if (calibration != null) {
            out = new Model(out.graph(), withInputRanges(out.metadata(), calibration));
        }
        Object quantized = null;
        if (quantization != null) {
            Quantizer.Quantized q = Quantizer.quantize(out, quantization, calibration, call, whoseCall);
            out = q.model();
            quantized = q.report().toMap();
        }
        ModelFileWriter.write(out, Path.of(path), write);
        report.put("path", path);
        try {
            report.put("file_size", Files.size(Path.of(path)));
        } catch (java.io.IOException e) {
            throw new org.mleruntime.MleException("cannot read the size of " + path + ": " + e.getMessage(), e);
        }
        report.put("quantization", quantized);
        return Json.write(report);
    }

    /** The per-feature minimum and maximum of the calibration rows, which later quantizations draw random rows within. */
    private static ModelMetadata withInputRanges(ModelMetadata metadata, Tensor rows) {
        long n = rows.shape().dim(0);
        long cols = rows.shape().dim(1);
        StringJoiner min = new StringJoiner(",");
        StringJoiner max = new StringJoiner(",");
        for (long j = 0; j < cols; j++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (long i = 0; i < n; i++) {
                double v = rows.getDouble(i * cols + j);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            min.add(Double.toString(Double.isFinite(lo) ? lo : 0));
            max.add(Double.toString(Double.isFinite(hi) ? hi : 0));
        }
        return metadata.with("input_min", min.toString()).with("input_max", max.toString());
    }
}
