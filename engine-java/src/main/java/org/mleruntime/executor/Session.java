package org.mleruntime.executor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mleruntime.InvalidInputException;
import org.mleruntime.MleException;
import org.mleruntime.backend.Backend;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.Parallel;
import org.mleruntime.ops.OperatorSet;
import org.mleruntime.optimizer.ConstantFolding;
import org.mleruntime.optimizer.Optimizer;
import org.mleruntime.planner.MemoryPlan;
import org.mleruntime.planner.MemoryPlanner;
import org.mleruntime.planner.ShapeInference;

/**
 * A model ready to run: optimised graph, inferred types, memory plan and one kernel per node, all
 * built once and immutable afterwards. Any number of threads may call {@link #run} at once: each
 * call gets its own scratch memory (its thread's, see {@link ScratchMemory}), sized by the plan for its
 * number of rows. A large batch of a graph
 * whose operators are all row-independent is split by rows across a shared pool of threads; a run
 * planned per shape of its inputs lets its kernels split their own work across the same pool
 * ({@link Parallel}).
 *
 * <p>A graph whose only symbolic dimension is the batch, first in every value, has one plan that
 * scales with the rows. A graph with other symbolic dimensions (a sequence length, say), or whose
 * sizes depend on more than the rows, is planned per shape of its inputs ({@link ConcretePlan}):
 * types, folded shape computations, kernels and memory plan are made on the first run with those
 * shapes and kept for the {@value #SHAPE_PLANS} shapes used last.
 */
public final class Session {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1), r -> {
                Thread t = new Thread(r, "mle-session-worker");
                t.setDaemon(true);
                return t;
            });
    /** How many shapes of inputs a graph planned per shape keeps plans for. */
    static final int SHAPE_PLANS = 8;
    /** The most values an integer input may have to decide sizes (see {@link #decidesSizes}). */
    static final int DECIDING_VALUES = 64;
    /** The scratch memory above which a row-independent run is done in parts of fewer rows. */
    static final long SCRATCH_RUN_BYTES = 64L << 20;

    private final Graph graph;
    private final Backend backend;
    private final Map<String, ValueInfo> types;
    private final SessionOptions options;
    private final String backendName;
    private final boolean splittable;
    private final Map<String, Integer> ids = new HashMap<>();
    /** The plan of a graph planned by rows, null for one planned per shape of inputs. */
    private final Prepared byRows;
    private final Map<List<Object>, Prepared> byShape = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Prepared> eldest) {
            return size() > SHAPE_PLANS;
        }
    });
    private final Runnable intactCheck;

    /** One node to run; a {@code view} (a reshape) is not run: its output is its first input's memory under the output's shape. */
    private record Step(Node node, Kernel kernel, int[] inputs, int[] outputs, ValueInfo[] outputTypes, boolean view) {}

    /**
     * What runs: the steps, their memory plan, the value types, the constants by id, the steps per
     * set of wanted outputs, and the large scratch buffers kept for this plan's next runs.
     */
    private record Prepared(Step[] steps, MemoryPlan plan, Map<String, ValueInfo> types, int[] constantIds, Tensor[] constantValues,
                            Map<Set<String>, Step[]> pruned, ScratchMemory.Pool scratch) {}

    public Session(Graph model, Backend backend, SessionOptions options, Runnable intactCheck) {
        this.options = options;
        this.backend = backend;
        this.backendName = backend.name();
        this.intactCheck = intactCheck;
        MemoryBudget budget = new MemoryBudget(options.maxConstantBytes());
        Graph g = ConstantFolding.dequantizing(backend, budget).apply(model.validated());
        ShapeInference.infer(g);
        this.graph = options.optimize() ? Optimizer.standard(backend, budget).optimize(g) : g;
        this.types = ShapeInference.infer(graph);
        for (ValueInfo v : graph.inputs()) {
            id(v.name());
        }
        boolean rowIndependent = graph.nodes().stream().allMatch(n -> OperatorSet.schema(n).rowIndependent(n,
                n.inputs().stream().map(name -> name.isEmpty() ? null : types.get(name)).toList()));
        // One plan scaled by the rows serves every run when the rows are the only symbolic size and no node mixes rows.
        if (rowIndependent && types.values().stream().allMatch(v -> symbolicOnlyAsRows(v.shape()))) {
            byRows = prepare(graph.nodes(), types, graph.constants());
        } else {
            byRows = null;
            for (Node n : graph.nodes()) {
                n.inputs().forEach(this::id);
                n.outputs().forEach(this::id);
            }
            graph.constants().keySet().forEach(this::id);
        }
        boolean allBatched = graph.inputs().stream().allMatch(v -> v.shape().isBatched())
                && graph.outputs().stream().allMatch(v -> types.get(v.name()).shape().isBatched());
        splittable = byRows != null && rowIndependent && allBatched && !graph.inputs().isEmpty();
    }

    /** Whether the shape's only symbolic dimension, if any, is the first and named as the inputs' rows. */
    private boolean symbolicOnlyAsRows(Shape s) {
        if (s.hasSymbolsBeyondBatch()) {
            return false;
        }
        return !s.isBatched() || graph.inputs().stream().allMatch(in -> in.shape().rank() == 0 || s.symbol(0).equals(in.shape().symbol(0)));
    }

    private Prepared prepare(List<Node> nodes, Map<String, ValueInfo> valueTypes, Map<String, Tensor> constants) {
        int[] constantIds = new int[constants.size()];
        Tensor[] constantValues = new Tensor[constantIds.length];
        int c = 0;
        for (Map.Entry<String, Tensor> e : constants.entrySet()) {
            constantIds[c] = id(e.getKey());
            constantValues[c++] = e.getValue();
        }
        Step[] steps = new Step[nodes.size()];
        Map<String, String> views = new HashMap<>();
        for (int i = 0; i < steps.length; i++) {
            Node n = nodes.get(i);
            List<ValueInfo> inTypes = new ArrayList<>();
            List<Tensor> inConstants = new ArrayList<>();
            int[] in = new int[n.inputs().size()];
            for (int j = 0; j < in.length; j++) {
                in[j] = id(n.inputs().get(j));
                inTypes.add(valueTypes.get(n.inputs().get(j)));
                inConstants.add(constants.get(n.inputs().get(j)));
            }
            ValueInfo[] outTypes = new ValueInfo[n.outputs().size()];
            int[] out = new int[outTypes.length];
            for (int j = 0; j < out.length; j++) {
                out[j] = id(n.outputs().get(j));
                outTypes[j] = valueTypes.get(n.outputs().get(j));
            }
            Kernel k = backend.kernel(n, inTypes, List.of(outTypes), inConstants);
            boolean view = isView(k, n, outTypes);
            if (view) {
                views.put(n.outputs().getFirst(), n.inputs().getFirst());
            }
            steps[i] = new Step(n, k, in, out, outTypes, view);
        }
        Graph planned = graph.withNodes(nodes, constants);
        return new Prepared(steps, MemoryPlanner.plan(planned, valueTypes, views), valueTypes, constantIds, constantValues,
                new ConcurrentHashMap<>(), new ScratchMemory.Pool(options.threads()));
    }

    /**
     * Whether a node only relabels its input's bytes (a Reshape, Squeeze, Flatten, Identity: the
     * backend's kernel is the plain copy) and can share its memory instead: not for strings, which
     * are not in memory segments, nor for a graph output, which may have to land in a caller's buffer.
     */
    private boolean isView(Kernel kernel, Node node, ValueInfo[] outTypes) {
        return kernel == CopyKernel.INSTANCE && outTypes.length == 1 && outTypes[0].dtype() != DType.STRING
                && graph.outputs().stream().noneMatch(v -> v.name().equals(node.outputs().getFirst()));
    }

    /**
     * Whether an input's values may decide sizes, so that plans are made per value too: a numeric
     * scalar or vector of at most {@value #DECIDING_VALUES} values (axes, a target shape, scales, a
     * range's bounds), never a batch of data such as token ids.
     */
    private static boolean decidesSizes(ValueInfo v) {
        Shape s = v.shape();
        boolean numeric = v.dtype() == DType.INT64 || v.dtype() == DType.INT32 || v.dtype() == DType.FLOAT32 || v.dtype() == DType.FLOAT64;
        return numeric && (s.rank() == 0 || s.rank() == 1 && !s.isSymbolic(0) && s.dim(0) <= DECIDING_VALUES);
    }

    /** The plan for these concrete input shapes (and values of inputs that decide sizes), made on first use. */
    private Prepared forShapes(Map<String, Tensor> inputs) {
        List<Object> key = new ArrayList<>();
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, Tensor> values = new HashMap<>();
        for (ValueInfo v : graph.inputs()) {
            Tensor t = inputs.get(v.name());
            key.add(t.shape());
            shapes.put(v.name(), t.shape());
            if (decidesSizes(v)) {
                double[] copy = Tensors.toDoubles(t);
                key.add(Arrays.stream(copy).boxed().toList());
                values.put(v.name(), Tensors.of(v.dtype(), t.shape(), copy));
            }
        }
        Prepared p = byShape.get(key);
        if (p == null) {
            ConcretePlan concrete = ConcretePlan.of(graph, shapes, values, backend);
            for (ValueInfo v : concrete.types().values()) {
                if (!v.shape().isStatic()) {
                    throw new InvalidInputException("the size of '" + v.name() + "' (" + v.shape() + ") depends on values this model "
                            + "takes as inputs, which must be constants or small vectors of integers or floats known per run");
                }
            }
            for (ValueInfo declared : graph.outputs()) {
                ValueInfo computed = concrete.types().get(declared.name());
                if (!ShapeInference.compatible(declared, computed)) {
                    throw new InvalidInputException("for inputs of shapes " + key + " the model computes output '" + declared.name()
                            + "' as " + computed.dtype().label() + computed.shape() + ", not the declared " + declared.dtype().label() + declared.shape());
                }
            }
            Map<String, Tensor> constants = new HashMap<>(concrete.known());
            values.keySet().forEach(constants::remove);
            p = prepare(concrete.nodes(), concrete.types(), constants);
            byShape.put(List.copyOf(key), p);
        }
        return p;
    }

    private int id(String name) {
        synchronized (ids) {
            return ids.computeIfAbsent(name, k -> ids.size());
        }
    }

    public List<ValueInfo> inputs() {
        return graph.inputs();
    }

    public List<ValueInfo> outputs() {
        return graph.outputs();
    }

    public String backendName() {
        return backendName;
    }

    /** Whether one plan scaled by the rows serves every run (else the session plans per shape of inputs). */
    public boolean plannedByRows() {
        return byRows != null;
    }

    /**
     * The concrete shape of each graph output for these inputs (checked as {@link #run} checks them),
     * so that a caller can allocate the outputs of a model planned per shape of inputs before the run.
     */
    public Map<String, Shape> outputShapes(Map<String, Tensor> inputs) {
        long rows = checkInputs(inputs);
        Prepared prepared = byRows != null ? byRows : forShapes(inputs);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (ValueInfo v : graph.outputs()) {
            shapes.put(v.name(), prepared.types().get(v.name()).shape().withRows(rows));
        }
        return shapes;
    }

    /** How many nodes of each operator the session runs, after optimisation, in the order they first run. */
    public Map<String, Integer> operatorCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            counts.merge(n.opType(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Waits until every kernel has finished what it prepares in the background after the session is
     * built (compiled tree layouts): runs before that are as correct, only slower. For benchmarks
     * and for servers that want their first request at full speed.
     */
    public void awaitPrepared() {
        if (byRows != null) {
            for (Step step : byRows.steps()) {
                step.kernel().awaitPrepared();
            }
        }
    }

    /** Runs the model and returns every graph output, in newly allocated memory. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, Map.of());
    }

    /**
     * Runs the model, writing numeric outputs into the buffers given in {@code outputBuffers} (by
     * name, with the exact dtype and shape) and allocating the rest; returns every graph output.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Map<String, Tensor> outputBuffers) {
        return run(inputs, outputBuffers, null);
    }

    /**
     * Runs only the nodes that the outputs named in {@code wanted} depend on (every output when it
     * is null) and returns those outputs; buffers as in {@link #run(Map, Map)}.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Map<String, Tensor> outputBuffers, Collection<String> wanted) {
        intactCheck.run();
        long rows = checkInputs(inputs);
        Prepared prepared = byRows != null ? byRows : forShapes(inputs);
        Step[] selected = wanted == null ? prepared.steps() : stepsFor(prepared, wanted);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (ValueInfo v : graph.outputs()) {
            if (wanted != null && !wanted.contains(v.name())) {
                continue;
            }
            Shape shape = prepared.types().get(v.name()).shape().withRows(rows);
            Tensor given = outputBuffers.get(v.name());
            if (given != null) {
                if (given.dtype() != v.dtype() || !given.shape().equals(shape)) {
                    throw new InvalidInputException("output buffer '" + v.name() + "' is " + given.dtype().label() + given.shape()
                            + ", expected " + v.dtype().label() + shape);
                }
                outputs.put(v.name(), given);
            } else {
                outputs.put(v.name(), allocateOutput(v, shape));
            }
        }
        for (String name : outputBuffers.keySet()) {
            if (!outputs.containsKey(name)) {
                throw new InvalidInputException("'" + name + "' is not " + (types.containsKey(name) ? "a requested" : "an") + " output of this model; outputs: " + names(graph.outputs()));
            }
        }
        int parts = splittable ? (int) Math.min(options.threads(), rows / options.minRowsPerThread()) : 1;
        if (parts <= 1 && byRows == null) {
            // A network planned per shape: its kernels may split their own work (a convolution's
            // columns, a product's) between the session's threads instead.
            Parallel.within(options.threads(), POOL, () -> execute(prepared, selected, inputs, outputs, rows));
        } else if (parts <= 1) {
            // A graph planned by rows splits large batches by rows; a small one runs on the caller
            // alone, without the cost of binding threads on every one-row call.
            execute(prepared, selected, inputs, outputs, rows);
        } else {
            runSplit(prepared, selected, inputs, outputs, rows, parts);
        }
        return outputs;
    }

    /** The steps the named outputs depend on, in order; computed once per set of names. */
    private Step[] stepsFor(Prepared prepared, Collection<String> wanted) {
        return prepared.pruned().computeIfAbsent(Set.copyOf(wanted), names -> {
            for (String name : names) {
                if (graph.outputs().stream().noneMatch(v -> v.name().equals(name))) {
                    throw new InvalidInputException("'" + name + "' is not an output of this model; outputs: " + names(graph.outputs()));
                }
            }
            Set<Integer> needed = new HashSet<>();
            names.forEach(n -> needed.add(ids.get(n)));
            List<Step> kept = new ArrayList<>();
            Step[] steps = prepared.steps();
            for (int i = steps.length - 1; i >= 0; i--) {
                Step step = steps[i];
                if (Arrays.stream(step.outputs).anyMatch(needed::contains)) {
                    kept.addFirst(step);
                    Arrays.stream(step.inputs).forEach(needed::add);
                }
            }
            return kept.toArray(Step[]::new);
        });
    }

    private void runSplit(Prepared prepared, Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows, int parts) {
        List<Future<?>> futures = new ArrayList<>();
        long chunk = (rows + parts - 1) / parts;
        for (int p = 1; p < parts; p++) {
            long from = p * chunk;
            long count = Math.min(chunk, rows - from);
            if (count > 0) {
                futures.add(POOL.submit(() -> execute(prepared, selected, slice(inputs, from, count), slice(outputs, from, count), count)));
            }
        }
        execute(prepared, selected, slice(inputs, 0, Math.min(chunk, rows)), slice(outputs, 0, Math.min(chunk, rows)), Math.min(chunk, rows));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MleException("interrupted while waiting for a batch part", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new MleException("a batch part failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static Map<String, Tensor> slice(Map<String, Tensor> tensors, long from, long count) {
        Map<String, Tensor> out = new HashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.rows(from, count)));
        return out;
    }

    /**
     * Runs the steps over the rows in runs whose scratch memory stays within
     * {@link #SCRATCH_RUN_BYTES} where the graph allows it (its operators are row-independent): a
     * batch of documents through a dense vectorizer row of a million columns, say, then needs
     * megabytes, not gigabytes.
     */
    private void execute(Prepared prepared, Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows) {
        MemoryPlan plan = prepared.plan();
        long perRow = plan.bytesPerRow();
        if (!splittable || perRow == 0 || rows <= 1 || plan.arenaBytes(rows) <= SCRATCH_RUN_BYTES) {
            executeAll(prepared, selected, inputs, outputs, rows);
            return;
        }
        long chunk = Math.max(1, (SCRATCH_RUN_BYTES - plan.fixedBytes()) / perRow);
        for (long from = 0; from < rows; from += chunk) {
            long count = Math.min(chunk, rows - from);
            executeAll(prepared, selected, slice(inputs, from, count), slice(outputs, from, count), count);
        }
    }

    private void executeAll(Prepared prepared, Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows) {
        Tensor[] values = new Tensor[ids.size()];
        for (ValueInfo v : graph.inputs()) {
            values[ids.get(v.name())] = inputs.get(v.name());
        }
        int[] constantIds = prepared.constantIds();
        for (int i = 0; i < constantIds.length; i++) {
            values[constantIds[i]] = prepared.constantValues()[i];
        }
        ScratchMemory.with(prepared.plan().arenaBytes(rows), prepared.scratch(), scratch -> {
            for (Step step : selected) {
                Tensor[] in = new Tensor[step.inputs.length];
                for (int j = 0; j < in.length; j++) {
                    in[j] = values[step.inputs[j]];
                }
                if (step.view) {
                    ValueInfo type = step.outputTypes[0];
                    values[step.outputs[0]] = Tensor.numeric(type.dtype(), type.shape().withRows(rows), in[0].data());
                    continue;
                }
                Tensor[] out = new Tensor[step.outputs.length];
                for (int j = 0; j < out.length; j++) {
                    ValueInfo type = step.outputTypes[j];
                    Tensor bound = outputs.get(type.name());
                    out[j] = bound != null ? bound : intermediate(prepared.plan(), type, rows, scratch);
                    values[step.outputs[j]] = out[j];
                }
                step.kernel.compute(in, out);
            }
        });
        outputs.forEach((name, out) -> {
            Integer id = ids.get(name);
            if (id != null && values[id] != null && values[id] != out) {
                // An output folded into a constant, or one that is also an input: copied, as the caller owns its buffer.
                CopyKernel.INSTANCE.compute(new Tensor[] {values[id]}, new Tensor[] {out});
            }
        });
    }

    /**
     * A new output tensor; sizes a model computes from its constants (an Expand, a ConstantOfShape)
     * can exceed what one array holds or the memory has, which is the model's or the input's fault,
     * not an internal error.
     */
    private static Tensor allocateOutput(ValueInfo v, Shape shape) {
        try {
            return Tensors.zeros(v.dtype(), shape);
        } catch (ArithmeticException | OutOfMemoryError e) {
            throw new InvalidInputException("output '" + v.name() + "' is " + v.dtype().label() + shape
                    + ", more than can be allocated for one output here; pass an output buffer of your own or smaller inputs");
        }
    }

    private static Tensor intermediate(MemoryPlan plan, ValueInfo type, long rows, MemorySegment scratch) {
        Shape shape = type.shape().withRows(rows);
        if (type.dtype() == DType.STRING) {
            return Tensor.strings(shape, new String[Math.toIntExact(shape.elementCount())], 0);
        }
        MemoryPlan.Slot slot = plan.slots().get(type.name());
        long offset = slot.perRow() ? slot.offset() * rows : plan.fixedBase(rows) + slot.offset();
        return Tensor.numeric(type.dtype(), shape, scratch.asSlice(offset, shape.elementCount() * type.dtype().byteSize()));
    }

    /**
     * Checks names, dtypes and shapes of the inputs, a symbolic dimension taking the same size
     * wherever its name appears; returns the number of rows.
     */
    private long checkInputs(Map<String, Tensor> inputs) {
        long rows = -1;
        Map<String, Long> sizes = new HashMap<>();
        Map<String, String> seenIn = new HashMap<>();
        for (ValueInfo v : graph.inputs()) {
            Tensor t = inputs.get(v.name());
            if (t == null) {
                throw new InvalidInputException("missing input '" + v.name() + "'; the model takes " + names(graph.inputs()));
            }
            if (t.dtype() != v.dtype()) {
                throw new InvalidInputException("input '" + v.name() + "' must be " + v.dtype().label() + ", got " + t.dtype().label());
            }
            Shape s = t.shape();
            if (s.rank() != v.shape().rank()) {
                throw new InvalidInputException("input '" + v.name() + "' must have shape " + v.shape() + ", got " + s);
            }
            for (int axis = 1; axis < s.rank(); axis++) {
                if (v.shape().isSymbolic(axis)) {
                    sameSize(sizes, seenIn, v.shape().symbol(axis), s.dim(axis), v.name());
                } else if (s.dim(axis) != v.shape().dim(axis)) {
                    throw new InvalidInputException("input '" + v.name() + "' must have shape " + v.shape() + ", got " + s
                            + (axis == 1 && s.rank() == 2 ? " (expected " + v.shape().dim(1) + " features, got " + s.dim(1) + ")" : ""));
                }
            }
            if (v.shape().rank() > 0 && !v.shape().isSymbolic(0) && s.dim(0) != v.shape().dim(0)) {
                throw new InvalidInputException("input '" + v.name() + "' must have shape " + v.shape() + ", got " + s);
            }
            if (!v.shape().isBatched()) {
                continue;
            }
            long r = s.dim(0);
            if (byRows != null && rows >= 0 && r != rows) {
                throw new InvalidInputException("inputs disagree on the number of rows: " + rows + " and " + r + " ('" + v.name() + "')");
            }
            sameSize(sizes, seenIn, v.shape().symbol(0), r, v.name());
            rows = rows < 0 ? r : rows;
        }
        for (String name : inputs.keySet()) {
            if (graph.input(name) == null) {
                throw new InvalidInputException("'" + name + "' is not an input of this model; inputs: " + names(graph.inputs()));
            }
        }
        return rows >= 0 ? rows : graph.inputs().isEmpty() ? 0 : 1;
    }

    private static void sameSize(Map<String, Long> sizes, Map<String, String> seenIn, String symbol, long size, String input) {
        if (symbol.equals(Shape.UNKNOWN)) {
            return;
        }
        Long before = sizes.putIfAbsent(symbol, size);
        seenIn.putIfAbsent(symbol, input);
        if (before != null && before != size) {
            throw new InvalidInputException("dimension '" + symbol + "' is " + before + " in input '" + seenIn.get(symbol) + "' but "
                    + size + " in input '" + input + "'");
        }
    }

    private static String names(List<ValueInfo> values) {
        return String.join(", ", values.stream().map(ValueInfo::toString).toList());
    }
}
