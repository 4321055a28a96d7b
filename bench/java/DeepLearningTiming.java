import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mleruntime.MleModel;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * MLE Runtime's Java API timed with no Python in the process, for bench/deep_learning.py, which
 * starts it as a single-file program on the engine jars of the Python package:
 *
 * <pre>java [the engine's JVM options] -cp 'jars/*' DeepLearningTiming.java model.mle threads 1x3x224x224=x1.bin ...</pre>
 *
 * Each input is the raw little-endian bytes of a tensor of that shape in the model's input dtype,
 * written by the Python side so that both sides run the same numbers. The model is opened once, as
 * a server opens it; then the program answers one command a line on standard input with one JSON
 * line on standard output, so that the parent can give it its turn between the other engines' turns:
 *
 * <ul>
 *   <li>{@code warm INPUT CALLS SECONDS}: calls on input number INPUT, at least CALLS and until SECONDS have passed;
 *   <li>{@code time INPUT CALLS SECONDS}: an untimed call, then at least CALLS timed calls and as many
 *       more as SECONDS allow; answers each call's nanoseconds;
 *   <li>{@code load REPEATS}: opens the file with a session built and closes it, REPEATS times;
 *       answers the nanoseconds of each open;
 *   <li>{@code warm-load SECONDS}: opens and closes the file (at least twice) until SECONDS have passed.
 * </ul>
 */
public final class DeepLearningTiming {
    /** Keeps every result reachable, so that the JIT cannot drop the calls that made them. */
    static volatile Object sink;

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        SessionOptions sessionOptions = SessionOptions.defaults().withThreads(Integer.parseInt(args[1]));
        try (MleModel model = MleModel.open(path, OpenOptions.defaults(), sessionOptions)) {
            Session session = model.session();
            ValueInfo input = session.inputs().getFirst();
            List<Map<String, Tensor>> feeds = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                String[] shapeAndFile = args[i].split("=", 2);
                long[] dims = Arrays.stream(shapeAndFile[0].split("x")).mapToLong(Long::parseLong).toArray();
                // Off the heap, as numpy's memory is when Python hands it to the engine.
                MemorySegment data = Arena.global().allocate(Files.size(Path.of(shapeAndFile[1])), 64);
                data.copyFrom(MemorySegment.ofArray(Files.readAllBytes(Path.of(shapeAndFile[1]))));
                feeds.add(Map.of(input.name(), Tensor.numeric(input.dtype(), Shape.of(dims), data)));
            }
            System.out.println("{\"ready\": true}");
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                String[] word = line.trim().split("\\s+");
                String answer = switch (word[0]) {
                    case "warm" -> warm(session, feeds.get(Integer.parseInt(word[1])), Integer.parseInt(word[2]),
                            Double.parseDouble(word[3]));
                    case "time" -> time(session, feeds.get(Integer.parseInt(word[1])), Integer.parseInt(word[2]),
                            Double.parseDouble(word[3]));
                    case "load" -> load(path, sessionOptions, Integer.parseInt(word[1]));
                    case "warm-load" -> warmLoad(path, sessionOptions, Double.parseDouble(word[1]));
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                };
                System.out.println(answer);
                System.out.flush();
            }
        }
    }

    private static String warm(Session session, Map<String, Tensor> feed, int minCalls, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (calls < minCalls || System.nanoTime() < end) {
            sink = session.run(feed);
            calls++;
        }
        return "{\"calls\": " + calls + "}";
    }

    private static String time(Session session, Map<String, Tensor> feed, int minCalls, double seconds) {
        // The parent's other engines ran just before: their worker threads may still hold a core.
        sink = session.run(feed);
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (nanos.size() < minCalls || System.nanoTime() < end) {
            long start = System.nanoTime();
            sink = session.run(feed);
            nanos.add(System.nanoTime() - start);
        }
        return nanosJson(nanos);
    }

    private static String load(Path path, SessionOptions sessionOptions, int repeats) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            MleModel opened = MleModel.open(path, OpenOptions.defaults(), sessionOptions);
            nanos.add(System.nanoTime() - start);
            opened.close();
        }
        return nanosJson(nanos);
    }

    private static String warmLoad(Path path, SessionOptions sessionOptions, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int loads = 0;
        while (loads < 2 || System.nanoTime() < end) {
            MleModel.open(path, OpenOptions.defaults(), sessionOptions).close();
            loads++;
        }
        return "{\"loads\": " + loads + "}";
    }

    private static String nanosJson(List<Long> nanos) {
        return nanos.stream().map(String::valueOf).collect(Collectors.joining(", ", "{\"nanos\": [", "]}"));
    }
}
