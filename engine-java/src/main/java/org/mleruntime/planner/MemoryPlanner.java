package org.mleruntime.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.ValueInfo;

/**
 * Assigns every intermediate numeric value a slot in the run's scratch arena, reusing memory
 * between values whose lifetimes (from the node that writes them to the last node that reads them)
 * do not overlap. Largest values are placed first, each at the lowest offset that is free for its
 * whole lifetime. Graph inputs and constants live outside the arena; graph outputs get slots too,
 * used when a caller does not ask for them but other nodes read them (a caller's own buffer is used
 * otherwise).
 */
public final class MemoryPlanner {
    private static final int ROW_ALIGNMENT = 8;
    private static final int FIXED_ALIGNMENT = 64;

    private MemoryPlanner() {}

    private record Interval(String name, boolean perRow, long size, int first, int last) {}

    public static MemoryPlan plan(Graph graph, Map<String, ValueInfo> types) {
        return plan(graph, types, Map.of());
    }

    /**
     * @param views values that are another value's memory under another shape (a reshape's output
     *     and its input): they get no slot of their own, and the memory they show lives until the
     *     last read of any of them
     */
    public static MemoryPlan plan(Graph graph, Map<String, ValueInfo> types, Map<String, String> views) {
        Map<String, Integer> firstUse = new HashMap<>();
        Map<String, Integer> lastUse = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
            for (String out : nodes.get(i).outputs()) {
                if (!views.containsKey(out)) {
                    firstUse.put(out, i);
                }
            }
        }
        for (Node node : nodes) {
            for (String out : node.outputs()) {
                if (views.containsKey(out)) {
                    String root = views.get(out);
                    while (views.containsKey(root)) {
                        root = views.get(root);
                    }
                    lastUse.merge(root, lastUse.getOrDefault(out, -1), Math::max);
                }
            }
        }
        List<Interval> intervals = new ArrayList<>();
        long unplanned = 0;
        for (Map.Entry<String, Integer> e : firstUse.entrySet()) {
            ValueInfo v = types.get(e.getKey());
            if (v.dtype() == DType.STRING) {
                continue;
            }
            boolean perRow = v.shape().isBatched();
            long elements = perRow ? v.shape().elementsPerRow() : v.shape().elementCount();
            long size = align(elements * v.dtype().byteSize(), perRow ? ROW_ALIGNMENT : FIXED_ALIGNMENT);
            int last = lastUse.getOrDefault(v.name(), e.getValue());
            intervals.add(new Interval(v.name(), perRow, size, e.getValue(), last));
            if (perRow) {
                unplanned += size;
            }
        }
        Map<String, MemoryPlan.Slot> slots = new HashMap<>();
        long perRowBytes = place(intervals.stream().filter(Interval::perRow).toList(), slots);
        long fixedBytes = place(intervals.stream().filter(i -> !i.perRow()).toList(), slots);
        return new MemoryPlan(slots, perRowBytes, fixedBytes, unplanned);
    }

    private static long place(List<Interval> intervals, Map<String, MemoryPlan.Slot> slots) {
        List<Interval> order = new ArrayList<>(intervals);
        order.sort(Comparator.comparingLong(Interval::size).reversed().thenComparing(Interval::first));
        List<MemoryPlan.Slot> placed = new ArrayList<>();
        long total = 0;
        for (Interval iv : order) {
            List<MemoryPlan.Slot> live = placed.stream()
                    .filter(s -> s.firstUse() <= iv.last() && iv.first() <= s.lastUse())
                    .sorted(Comparator.comparingLong(MemoryPlan.Slot::offset))
                    .toList();
            long offset = 0;
            for (MemoryPlan.Slot s : live) {
                if (offset + iv.size() <= s.offset()) {
                    break;
                }
                offset = Math.max(offset, s.offset() + s.size());
            }
            MemoryPlan.Slot slot = new MemoryPlan.Slot(iv.perRow(), offset, iv.size(), iv.first(), iv.last());
            placed.add(slot);
            slots.put(iv.name(), slot);
            total = Math.max(total, offset + iv.size());
        }
        return total;
    }

    private static long align(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }
}
