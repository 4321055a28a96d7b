package org.mleruntime.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** What an {@link OperatorFamily} adds its operators to; an operator claimed twice is a fault of the engine's build. */
public final class SchemaRegistry {
    private final Map<String, OpSchema> schemas = new TreeMap<>();
    private final Map<String, String> families = new TreeMap<>();
    private String family = "";

    SchemaRegistry() {}

    /** Adds a row-independent operator (see {@link OpSchema#rowIndependent}). */
    public void add(String name, ShapeRule rule) {
        add(name, rule, (node, inputs) -> true, (node, inputs) -> null);
    }

    /** Adds an operator whose output rows may depend on other input rows, or whose output is not split by rows. */
    public void addAcrossRows(String name, ShapeRule rule) {
        add(name, rule, (node, inputs) -> false, (node, inputs) -> null);
    }

    /** Adds an operator whose row independence depends on the node (which axes it reduces, say). */
    public void add(String name, ShapeRule rule, BiPredicate<Node, List<ValueInfo>> rowIndependent) {
        add(name, rule, rowIndependent, (node, inputs) -> null);
    }

    /** Adds an operator whose outputs the inputs' types may decide (see {@link OpSchema#knownValues}). */
    public void add(String name, ShapeRule rule, BiPredicate<Node, List<ValueInfo>> rowIndependent, ValueRule values) {
        if (schemas.putIfAbsent(name, new RuleSchema(name, rule, rowIndependent, values)) != null) {
            throw new IllegalStateException("operator '" + name + "' is added by two operator families");
        }
        families.put(name, family);
    }

    /** Adds {@code f}'s operators, remembering the family each came from. */
    void addFamily(OperatorFamily f) {
        family = f.name();
        f.addSchemas(this);
    }

    Map<String, OpSchema> schemas() {
        return schemas;
    }

    Map<String, String> families() {
        return families;
    }

    private record RuleSchema(String name, ShapeRule rule, BiPredicate<Node, List<ValueInfo>> independence, ValueRule values)
            implements OpSchema {
        @Override
        public boolean rowIndependent(Node node, List<ValueInfo> inputs) {
            return independence.test(node, inputs);
        }

        @Override
        public List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants) {
            return rule.infer(node, inputs, constants);
        }

        @Override
        public List<Tensor> knownValues(Node node, List<ValueInfo> inputs) {
            return values.values(node, inputs);
        }
    }
}
