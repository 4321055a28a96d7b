package org.mleruntime.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** What an {@link OperatorFamily} adds its operators to; an operator claimed twice is a fault of the engine's build. */
public final class SchemaRegistry {
    private final Map<String, OpSchema> schemas = new TreeMap<>();
    private final Map<String, String> families = new TreeMap<>();
    private String family = "";

    SchemaRegistry() {}

    public void add(String name, ShapeRule rule) {
        if (schemas.putIfAbsent(name, new RuleSchema(name, rule)) != null) {
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

    private record RuleSchema(String name, ShapeRule rule) implements OpSchema {
        @Override
        public List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants) {
            return rule.infer(node, inputs, constants);
        }
    }
}
