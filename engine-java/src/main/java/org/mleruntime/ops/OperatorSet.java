package org.mleruntime.ops;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.mleruntime.UnsupportedOperatorException;
import org.mleruntime.ir.Node;

/**
 * The operator set, version {@value #VERSION}: every operator the engine knows, by name, as the
 * {@link OperatorFamily operator families} on the class path add them.
 */
public final class OperatorSet {
    public static final int VERSION = 1;

    private static final SchemaRegistry REGISTRY = load();
    private static final Map<String, OpSchema> SCHEMAS = Map.copyOf(REGISTRY.schemas());
    private static final Map<String, String> FAMILIES = Map.copyOf(REGISTRY.families());

    private OperatorSet() {}

    private static SchemaRegistry load() {
        SchemaRegistry registry = new SchemaRegistry();
        for (OperatorFamily family : ServiceLoader.load(OperatorFamily.class, OperatorFamily.class.getClassLoader())) {
            registry.addFamily(family);
        }
        if (registry.schemas().isEmpty()) {
            throw new IllegalStateException("no operator family found: META-INF/services/" + OperatorFamily.class.getName()
                    + " is missing from the engine's jar");
        }
        return registry;
    }

    public static OpSchema schema(Node node) {
        OpSchema s = SCHEMAS.get(node.opType());
        if (s == null) {
            throw new UnsupportedOperatorException("node '" + node.name() + "' uses operator '" + node.opType()
                    + "', which this runtime does not implement; supported operators: " + String.join(", ", names()));
        }
        if (node.opsetVersion() > VERSION) {
            throw new UnsupportedOperatorException("node '" + node.name() + "' needs operator set version " + node.opsetVersion()
                    + " of " + node.opType() + "; this runtime implements version " + VERSION);
        }
        return s;
    }

    /** The family that adds {@code operator} ({@code trees}, {@code math}, …), or null for an unknown operator. */
    public static String family(String operator) {
        return FAMILIES.get(operator);
    }

    /** The operators' names, sorted. */
    public static List<String> names() {
        return SCHEMAS.keySet().stream().sorted().toList();
    }
}
