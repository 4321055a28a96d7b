package org.mleruntime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mleruntime.format.Compression;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.WriteOptions;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.quantize.QuantizationMode;
import org.mleruntime.quantize.QuantizationReport;
import org.mleruntime.quantize.Quantizer;

/**
 * {@code mle quantize}: a copy with float16 or int8 weights, keeping the source's compression and
 * encryption, and a report of what moved, measured on calibration rows (a CSV file) or on random
 * rows inside the ranges the file records.
 */
final class Quantize extends Command {
    Quantize() {
        super("quantize", "IN OUT [--mode int8|fp16] [--calibration ROWS.csv] [--key AES_KEY] [--sign-key PRIVATE_KEY] [--verify-key PUBLIC_KEY]",
                "store the weights as int8 (a scale per output channel, the default) or float16, and report the largest output change",
                Set.of("mode", "calibration", "key", "sign-key", "verify-key"), Set.of());
    }

    @Override
    int run(Args args, Terminal t) throws IOException {
        var paths = args.positional(2, 2, "IN OUT");
        Path in = Path.of(paths.get(0));
        Path out = Path.of(paths.get(1));
        QuantizationMode mode = QuantizationMode.fromLabel(args.option("mode", "int8"));
        Tensor calibration = args.path("calibration") == null ? null : Tensors.of(readRows(args.path("calibration")));
        QuantizationReport report;
        try (ModelFile source = ModelFile.open(in, Keys.reading(args, true))) {
            Compression kept = source.sections().stream().filter(SectionEntry::enveloped).map(e -> Compression.fromCode(e.compression()))
                    .filter(c -> c != null && c != Compression.NONE).findFirst().orElse(Compression.NONE);
            WriteOptions write = WriteOptions.defaults().compressed(kept).withProgress(t.progress());
            if (source.header().hasKeyId()) {
                write = write.encrypted(EncryptionKey.read(args.path("key")));
            }
            SigningKey signing = Keys.signing(args);
            if (signing != null) {
                write = write.signed(signing);
            }
            t.progress().step("quantizing and measuring", 0, 1);
            Quantizer.Quantized q = Quantizer.quantize(source.model(), mode, calibration);
            ModelFileWriter.write(q.model(), out, write);
            report = q.report();
        }
        t.progress().clear();
        print(t, in, out, report);
        return 0;
    }

    private static void print(Terminal t, Path in, Path out, QuantizationReport r) throws IOException {
        var o = t.out();
        o.printf(Locale.ROOT, "wrote %s (%s): weights %s -> %s, file %s -> %s%n", out, r.mode(), Table.bytes(r.weightBytesBefore()),
                Table.bytes(r.weightBytesAfter()), Table.bytes(Files.size(in)), Table.bytes(Files.size(out)));
        o.println();
        Table tensors = new Table("TENSOR", "NODE", "FROM", "TO", "SHAPE", "BEFORE", "AFTER");
        for (QuantizationReport.TensorChange c : r.tensors()) {
            tensors.row(c.constant(), c.consumer(), c.from(), c.to(), Arrays.toString(c.shape()), Table.bytes(c.bytesBefore()), Table.bytes(c.bytesAfter()));
        }
        tensors.print(o);
        for (String kept : r.kept()) {
            o.println("kept: " + kept);
        }
        for (QuantizationReport.ThresholdDecision d : r.thresholds()) {
            o.println("thresholds of '" + d.node() + "' (" + d.exactFloat32() + " of " + d.thresholds() + " exact float32): " + d.reason());
        }
        o.println();
        o.println("calibration: " + r.calibration());
        Table outputs = new Table("OUTPUT", "DTYPE", "MAX ABS CHANGE", "MAX REL CHANGE", "CHANGED VALUES");
        for (QuantizationReport.OutputChange c : r.outputs()) {
            boolean numeric = !c.dtype().equals("string");
            outputs.row(c.output(), c.dtype(), numeric ? Table.number(c.maxAbsChange()) : null, numeric ? Table.number(c.maxRelChange()) : null,
                    c.changed() + " of " + c.values());
        }
        outputs.print(o);
    }

    /** Rows of numbers, comma- or space-separated; a first line that is not numbers is a header and skipped. */
    static double[][] readRows(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                rows.add(Arrays.stream(line.split("[,;\\s]+")).mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException e) {
                if (i == 0) {
                    continue;
                }
                throw new UsageException(file + " line " + (i + 1) + " is not a row of numbers: " + line);
            }
            if (rows.getLast().length != rows.getFirst().length) {
                throw new UsageException(file + " line " + (i + 1) + " has " + rows.getLast().length + " values, the first row " + rows.getFirst().length);
            }
        }
        if (rows.isEmpty()) {
            throw new UsageException(file + " holds no rows");
        }
        return rows.toArray(double[][]::new);
    }
}
