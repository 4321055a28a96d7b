package org.mleruntime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.MleException;
import org.mleruntime.exporters.ConvertCommand;

/**
 * The {@code mle} command line: {@code mle COMMAND ARGS}. Prints tables on standard output and
 * progress on standard error; on any error prints one line, {@code error: ...}, and exits with 1
 * (2 for a command line that does not fit the command's usage).
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new Inspect(), new Verify(), new Sign(), new Rewrite(Rewrite.Kind.ENCRYPT),
            new Rewrite(Rewrite.Kind.DECRYPT), new Rewrite(Rewrite.Kind.COMPRESS), new Quantize(), new Keygen(), new Bench());

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("mle " + version());
            return 0;
        }
        if (args[0].equals("convert")) {
            return ConvertCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("error: unknown command '" + args[0] + "'; commands: " + String.join(", ", names()) + " (mle --help)");
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println("usage: mle " + command.name() + " " + command.synopsis());
            out.println("  " + command.summary());
            return 0;
        }
        ConsoleProgress progress = new ConsoleProgress(err, ConsoleProgress.wanted());
        String message;
        int status;
        try {
            return command.run(command.parse(rest), new Terminal(out, err, progress));
        } catch (UsageException e) {
            message = e.getMessage() + " (usage: mle " + command.name() + " " + command.synopsis() + ")";
            status = 2;
        } catch (IllegalArgumentException e) {
            message = e.getMessage();
            status = 2;
        } catch (MleException | FileAlreadyExistsException e) {
            message = e.getMessage();
            status = 1;
        } catch (NoSuchFileException e) {
            message = "no such file: " + e.getMessage();
            status = 1;
        } catch (IOException | RuntimeException e) {
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
            status = 1;
        } catch (OutOfMemoryError e) {
            message = "out of memory (" + e.getMessage() + "); give the JVM more with JAVA_TOOL_OPTIONS=-Xmx…";
            status = 1;
        }
        progress.clear();
        err.println("error: " + message);
        return status;
    }

    private static List<String> names() {
        List<String> names = new java.util.ArrayList<>(COMMANDS.stream().map(Command::name).toList());
        names.add("convert");
        return names;
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: mle COMMAND [ARGS]  (mle COMMAND --help for one command)\n\ncommands:\n");
        for (Command c : COMMANDS) {
            b.append(String.format("  %-9s %s%n            mle %s %s%n", c.name(), c.summary(), c.name(), c.synopsis()));
        }
        b.append(String.format("  %-9s %s%n            mle convert FRAMEWORK MODEL_FILE OUT.mle [option=value ...]%n", "convert",
                "convert an XGBoost, LightGBM or CatBoost model file to .mle (no Python needed)"));
        return b.toString();
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }
}
