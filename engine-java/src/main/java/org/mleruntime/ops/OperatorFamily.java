package org.mleruntime.ops;

/**
 * A family of operators (trees, neighbours, element-wise math, …) that adds its operators' schemas
 * to the operator set. Families are found with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/org.mleruntime.ops.OperatorFamily}, so this package names none of them
 * and a family's schema, shape rule and kernels stay together in the family's own package.
 */
public interface OperatorFamily {
    /** The family's name: the last part of its package's name ({@code trees}, {@code math}, …). */
    default String name() {
        String p = getClass().getPackageName();
        return p.substring(p.lastIndexOf('.') + 1);
    }

    /** Adds each operator of the family, by name, with its shape rule. */
    void addSchemas(SchemaRegistry schemas);
}
