package org.mleruntime.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mleruntime.TestModels;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

class MemoryPlannerTest {
    /** A chain of {@code length} Relu nodes: at most two intermediates are ever live together. */
    private static Graph chain(int length, int width) {
        List<Node> nodes = new ArrayList<>();
        String previous = "input";
        for (int i = 0; i < length; i++) {
            String out = i == length - 1 ? "output" : "v" + i;
            nodes.add(TestModels.node("n" + i, "Relu", List.of(previous), List.of(out), Map.of()));
            previous = out;
        }
        return new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, width))),
                List.of(new ValueInfo("output", DType.FLOAT64, Shape.of(-1, width))), Map.<String, Tensor>of(), nodes);
    }

    @Test
    void chainReusesTwoBuffers() {
        Graph g = chain(10, 16);
        MemoryPlan plan = MemoryPlanner.plan(g, ShapeInference.infer(g));
        assertEquals(10, plan.slots().size());
        assertEquals(2 * 16 * 8, plan.bytesPerRow(), "two row-buffers suffice for a chain");
        assertEquals(10 * 16 * 8, plan.unplannedBytesPerRow());
    }

    @Test
    void liveValuesNeverOverlap() {
        Graph g = TestModels.classifier().graph();
        Map<String, ValueInfo> types = ShapeInference.infer(g);
        MemoryPlan plan = MemoryPlanner.plan(g, types);
        List<Map.Entry<String, MemoryPlan.Slot>> slots = new ArrayList<>(plan.slots().entrySet());
        for (int i = 0; i < slots.size(); i++) {
            for (int j = i + 1; j < slots.size(); j++) {
                MemoryPlan.Slot a = slots.get(i).getValue();
                MemoryPlan.Slot b = slots.get(j).getValue();
                boolean liveTogether = a.firstUse() <= b.lastUse() && b.firstUse() <= a.lastUse();
                boolean overlap = a.perRow() == b.perRow() && a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
                assertTrue(!(liveTogether && overlap), slots.get(i).getKey() + " and " + slots.get(j).getKey() + " overlap while both live");
            }
        }
        assertTrue(plan.slots().containsKey("scores"), "an output other nodes read has a slot for runs that do not ask for it");
    }

    @Test
    void diamondKeepsBothBranchesLive() {
        Map<String, Tensor> none = new LinkedHashMap<>();
        List<Node> nodes = List.of(
                TestModels.node("a", "Relu", List.of("input"), List.of("x"), Map.of()),
                TestModels.node("b", "Tanh", List.of("x"), List.of("y"), Map.of()),
                TestModels.node("c", "Sigmoid", List.of("x"), List.of("z"), Map.of()),
                TestModels.node("d", "Add", List.of("y", "z"), List.of("output"), Map.of()));
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 4))),
                List.of(new ValueInfo("output", DType.FLOAT64, Shape.of(-1, 4))), none, nodes);
        MemoryPlan plan = MemoryPlanner.plan(g, ShapeInference.infer(g));
        MemoryPlan.Slot x = plan.slots().get("x");
        MemoryPlan.Slot y = plan.slots().get("y");
        MemoryPlan.Slot z = plan.slots().get("z");
        assertTrue(x.offset() != y.offset() && y.offset() != z.offset() && x.offset() != z.offset(), "x, y, z are live at once");
        assertEquals(3 * 32, plan.bytesPerRow());
    }

    /**
     * x → view v → w: the view gets no slot, and x's memory, which v shows, stays live until w, the
     * last reader of v, so the value written between (y) does not take it.
     */
    @Test
    void aViewKeepsTheMemoryItShowsLiveUntilItsLastReader() {
        List<Node> nodes = List.of(
                TestModels.node("a", "Relu", List.of("input"), List.of("x"), Map.of()),
                TestModels.node("b", "Identity", List.of("x"), List.of("v"), Map.of()),
                TestModels.node("c", "Tanh", List.of("input"), List.of("y"), Map.of()),
                TestModels.node("d", "Add", List.of("v", "y"), List.of("output"), Map.of()));
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 4))),
                List.of(new ValueInfo("output", DType.FLOAT64, Shape.of(-1, 4))), new LinkedHashMap<>(), nodes);
        MemoryPlan plan = MemoryPlanner.plan(g, ShapeInference.infer(g), Map.of("v", "x"));
        assertTrue(!plan.slots().containsKey("v"), "a view has no memory of its own");
        MemoryPlan.Slot x = plan.slots().get("x");
        MemoryPlan.Slot y = plan.slots().get("y");
        assertEquals(3, x.lastUse(), "x lives until its view's last reader");
        assertTrue(x.offset() != y.offset(), "y must not take the memory the view still shows");
    }
}
