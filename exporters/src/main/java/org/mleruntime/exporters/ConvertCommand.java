package org.mleruntime.exporters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.MleException;
import org.mleruntime.ir.Model;

/**
 * Command line: {@code ConvertCommand FRAMEWORK MODEL_FILE OUT.mle [option=value ...]}. Prints one
 * line saying what it wrote; on any error prints one line to standard error and exits non-zero
 * (2 for a usage error, 1 for a model that cannot be converted).
 */
public final class ConvertCommand {
    private ConvertCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(usage());
            return 0;
        }
        if (args.length < 3) {
            err.println("error: expected FRAMEWORK MODEL_FILE OUT.mle [option=value ...]; " + usage());
            return 2;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String a : Arrays.asList(args).subList(3, args.length)) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                err.println("error: option '" + a + "' must have the form name=value");
                return 2;
            }
            options.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path in = Path.of(args[1]);
        Path target = Path.of(args[2]);
        try {
            ModelConverter converter = Converters.forFramework(args[0]);
            if (!Files.isRegularFile(in)) {
                err.println("error: " + in + " is not a readable file");
                return 2;
            }
            Model model = Converters.convert(converter.framework(), in, target, options);
            long bytes = Files.size(target);
            out.println("wrote " + target + " (" + bytes + " bytes): " + model.metadata().description() + "; outputs "
                    + model.graph().outputs().stream().map(v -> v.name()).toList());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (MleException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: ConvertCommand FRAMEWORK MODEL_FILE OUT.mle [option=value ...]; frameworks:");
        List<ModelConverter> all = Converters.all();
        for (int i = 0; i < all.size(); i++) {
            ModelConverter c = all.get(i);
            b.append(i == 0 ? " " : "; ").append(c.framework()).append(" — ").append(c.description());
            for (Map.Entry<String, String> o : c.options().entrySet()) {
                b.append(" [option ").append(o.getKey()).append(": ").append(o.getValue()).append(']');
            }
        }
        return b.toString();
    }
}
