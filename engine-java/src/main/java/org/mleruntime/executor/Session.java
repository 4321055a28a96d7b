package org.mleruntime.executor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
import org.mleruntime.kernels.Kernel;
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
 * whose operators are all row-independent is split by rows across a shared pool of threads.
 */
public final class Session {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1), r -> {
                Thread t = new Thread(r, "mle-session-worker");
                t.setDaemon(true);
                return t;
            });

    private final Graph graph;
    private final Map<String, ValueInfo> types;
    private final MemoryPlan plan;
    private final SessionOptions options;
    private final String backendName;
    private final boolean splittable;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Step[] steps;
    private final int valueCount;
    private final Tensor[] constantValues;
    private final int[] constantIds;
    private final Runnable intactCheck;
    private final Map<Set<String>, Step[]> pruned = new ConcurrentHashMap<>();
    /** The scratch memory above which a row-independent run is done in parts of fewer rows. */
    static final long SCRATCH_RUN_BYTES = 64L << 20;

    private record Step(Node node, Kernel kernel, int[] inputs, int[] outputs, ValueInfo[] outputTypes) {}

    public Session(Graph model, Backend backend, SessionOptions options, Runnable intactCheck) {
        this.options = options;
        this.backendName = backend.name();
        this.intactCheck = intactCheck;
        MemoryBudget budget = new MemoryBudget(options.maxConstantBytes());
        Graph g = ConstantFolding.dequantizing(backend, budget).apply(model.validated());
        ShapeInference.infer(g);
        this.graph = options.optimize() ? Optimizer.standard(backend, budget).optimize(g) : g;
        this.types = ShapeInference.infer(graph);
        this.plan = MemoryPlanner.plan(graph, types);
        for (ValueInfo v : graph.inputs()) {
            id(v.name());
        }
        constantIds = new int[graph.constants().size()];
        constantValues = new Tensor[constantIds.length];
        int c = 0;
        for (Map.Entry<String, Tensor> e : graph.constants().entrySet()) {
            constantIds[c] = id(e.getKey());
            constantValues[c++] = e.getValue();
        }
        steps = new Step[graph.nodes().size()];
        boolean rowIndependent = true;
        for (int i = 0; i < steps.length; i++) {
            Node n = graph.nodes().get(i);
            List<ValueInfo> inTypes = new ArrayList<>();
            List<Tensor> inConstants = new ArrayList<>();
            int[] in = new int[n.inputs().size()];
            for (int j = 0; j < in.length; j++) {
                in[j] = id(n.inputs().get(j));
                inTypes.add(types.get(n.inputs().get(j)));
                inConstants.add(graph.constants().get(n.inputs().get(j)));
            }
            ValueInfo[] outTypes = new ValueInfo[n.outputs().size()];
            int[] out = new int[outTypes.length];
            for (int j = 0; j < out.length; j++) {
                out[j] = id(n.outputs().get(j));
                outTypes[j] = types.get(n.outputs().get(j));
            }
            Kernel k = backend.kernel(n, inTypes, List.of(outTypes), inConstants);
            steps[i] = new Step(n, k, in, out, outTypes);
            rowIndependent &= OperatorSet.schema(n).rowIndependent();
        }
        valueCount = ids.size();
        boolean allBatched = graph.inputs().stream().allMatch(v -> v.shape().isBatched())
                && graph.outputs().stream().allMatch(v -> types.get(v.name()).shape().isBatched());
        splittable = rowIndependent && allBatched && !graph.inputs().isEmpty();
    }

    private int id(String name) {
        return ids.computeIfAbsent(name, k -> ids.size());
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

    /** How many nodes of each operator the session runs, after optimisation, in the order they first run. */
    public Map<String, Integer> operatorCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Step step : steps) {
            counts.merge(step.node().opType(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Waits until every kernel has finished what it prepares in the background after the session is
     * built (compiled tree layouts): runs before that are as correct, only slower. For benchmarks
     * and for servers that want their first request at full speed.
     */
    public void awaitPrepared() {
        for (Step step : steps) {
            step.kernel().awaitPrepared();
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
        Step[] selected = wanted == null ? steps : stepsFor(wanted);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (ValueInfo v : graph.outputs()) {
            if (wanted != null && !wanted.contains(v.name())) {
                continue;
            }
            Shape shape = types.get(v.name()).shape().withRows(rows);
            Tensor given = outputBuffers.get(v.name());
            if (given != null) {
                if (given.dtype() != v.dtype() || !given.shape().equals(shape)) {
                    throw new InvalidInputException("output buffer '" + v.name() + "' is " + given.dtype().label() + given.shape()
                            + ", expected " + v.dtype().label() + shape);
                }
                outputs.put(v.name(), given);
            } else {
                outputs.put(v.name(), Tensors.zeros(v.dtype(), shape));
            }
        }
        for (String name : outputBuffers.keySet()) {
            if (!outputs.containsKey(name)) {
                throw new InvalidInputException("'" + name + "' is not " + (types.containsKey(name) ? "a requested" : "an") + " output of this model; outputs: " + names(graph.outputs()));
            }
        }
        int parts = splittable ? (int) Math.min(options.threads(), rows / options.minRowsPerThread()) : 1;
        if (parts <= 1) {
            execute(selected, inputs, outputs, rows);
        } else {
            runSplit(selected, inputs, outputs, rows, parts);
        }
        return outputs;
    }

    /** The steps the named outputs depend on, in order; computed once per set of names. */
    private Step[] stepsFor(Collection<String> wanted) {
        return pruned.computeIfAbsent(Set.copyOf(wanted), names -> {
            for (String name : names) {
                if (graph.outputs().stream().noneMatch(v -> v.name().equals(name))) {
                    throw new InvalidInputException("'" + name + "' is not an output of this model; outputs: " + names(graph.outputs()));
                }
            }
            Set<Integer> needed = new HashSet<>();
            names.forEach(n -> needed.add(ids.get(n)));
            List<Step> kept = new ArrayList<>();
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

    private void runSplit(Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows, int parts) {
        List<Future<?>> futures = new ArrayList<>();
        long chunk = (rows + parts - 1) / parts;
        for (int p = 1; p < parts; p++) {
            long from = p * chunk;
            long count = Math.min(chunk, rows - from);
            if (count > 0) {
                futures.add(POOL.submit(() -> execute(selected, slice(inputs, from, count), slice(outputs, from, count), count)));
            }
        }
        execute(selected, slice(inputs, 0, Math.min(chunk, rows)), slice(outputs, 0, Math.min(chunk, rows)), Math.min(chunk, rows));
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
    private void execute(Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows) {
        long perRow = plan.bytesPerRow();
        if (!splittable || perRow == 0 || rows <= 1 || plan.arenaBytes(rows) <= SCRATCH_RUN_BYTES) {
            executeAll(selected, inputs, outputs, rows);
            return;
        }
        long chunk = Math.max(1, (SCRATCH_RUN_BYTES - plan.fixedBytes()) / perRow);
        for (long from = 0; from < rows; from += chunk) {
            long count = Math.min(chunk, rows - from);
            executeAll(selected, slice(inputs, from, count), slice(outputs, from, count), count);
        }
    }

    private void executeAll(Step[] selected, Map<String, Tensor> inputs, Map<String, Tensor> outputs, long rows) {
        Tensor[] values = new Tensor[valueCount];
        for (ValueInfo v : graph.inputs()) {
            values[ids.get(v.name())] = inputs.get(v.name());
        }
        for (int i = 0; i < constantIds.length; i++) {
            values[constantIds[i]] = constantValues[i];
        }
        ScratchMemory.with(plan.arenaBytes(rows), scratch -> {
            for (Step step : selected) {
                Tensor[] in = new Tensor[step.inputs.length];
                for (int j = 0; j < in.length; j++) {
                    in[j] = values[step.inputs[j]];
                }
                Tensor[] out = new Tensor[step.outputs.length];
                for (int j = 0; j < out.length; j++) {
                    ValueInfo type = step.outputTypes[j];
                    Tensor bound = outputs.get(type.name());
                    out[j] = bound != null ? bound : intermediate(type, rows, scratch);
                    values[step.outputs[j]] = out[j];
                }
                step.kernel.compute(in, out);
            }
        });
    }

    private Tensor intermediate(ValueInfo type, long rows, MemorySegment scratch) {
        Shape shape = type.shape().withRows(rows);
        if (type.dtype() == DType.STRING) {
            return Tensor.strings(shape, new String[Math.toIntExact(shape.elementCount())], 0);
        }
        MemoryPlan.Slot slot = plan.slots().get(type.name());
        long offset = slot.perRow() ? slot.offset() * rows : plan.fixedBase(rows) + slot.offset();
        return Tensor.numeric(type.dtype(), shape, scratch.asSlice(offset, shape.elementCount() * type.dtype().byteSize()));
    }

    /** Checks names, dtypes and shapes of the inputs; returns the number of rows. */
    private long checkInputs(Map<String, Tensor> inputs) {
        long rows = -1;
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
                if (s.dim(axis) != v.shape().dim(axis)) {
                    throw new InvalidInputException("input '" + v.name() + "' must have shape " + v.shape() + ", got " + s
                            + (axis == 1 && s.rank() == 2 ? " (expected " + v.shape().dim(1) + " features, got " + s.dim(1) + ")" : ""));
                }
            }
            long r = s.rank() == 0 ? 1 : s.dim(0);
            if (rows >= 0 && r != rows) {
                throw new InvalidInputException("inputs disagree on the number of rows: " + rows + " and " + r + " ('" + v.name() + "')");
            }
            rows = r;
        }
        for (String name : inputs.keySet()) {
            if (graph.input(name) == null) {
                throw new InvalidInputException("'" + name + "' is not an input of this model; inputs: " + names(graph.inputs()));
            }
        }
        return Math.max(rows, 0);
    }

    private static String names(List<ValueInfo> values) {
        return String.join(", ", values.stream().map(ValueInfo::toString).toList());
    }
}
