package org.mleruntime.operators.math;

import java.util.List;
import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/**
 * Element-wise arithmetic, comparisons and functions, Clip, Softmax, the last-axis reductions, the
 * log-probability operators and Interpolate.
 */
public final class MathOperators implements OperatorFamily, CpuKernelProvider {
    /** The functions with a specialised kernel copy each ({@link UnaryKernel}). */
    private static final List<String> UNARY = List.of("Sigmoid", "Tanh", "Relu", "Exp", "Log", "Neg", "Abs", "Cos", "Sin",
            "Erf", "Reciprocal", "Floor", "Ceil", "LeakyRelu", "Elu", "Selu", "Softplus", "Softsign", "HardSigmoid", "HardSwish", "Gelu");
    /** The functions computed to numpy's last bit through {@link MathFunctionKernel}. */
    private static final List<String> MATH_FUNCTIONS = List.of("Log1p", "Expm1", "Sqrt");
    /** Which floats are NaN, or infinite: bools of the input's shape. */
    private static final List<String> FLOAT_PREDICATES = List.of("IsNaN", "IsInf");

    @Override
    public void addSchemas(SchemaRegistry schemas) {
        for (String op : BinaryFunction.ARITHMETIC) {
            schemas.add(op, ElementwiseSchema::arithmetic);
        }
        for (String op : BinaryFunction.COMPARISONS) {
            schemas.add(op, ElementwiseSchema::comparison);
        }
        for (String op : BinaryFunction.LOGIC) {
            schemas.add(op, ElementwiseSchema::logic);
        }
        schemas.add("Not", ElementwiseSchema::logic);
        for (String op : FLOAT_PREDICATES) {
            schemas.add(op, ElementwiseSchema::floatPredicate);
        }
        for (String op : UNARY) {
            schemas.add(op, ElementwiseSchema::floatUnary);
        }
        for (String op : MATH_FUNCTIONS) {
            schemas.add(op, ElementwiseSchema::floatUnary);
        }
        schemas.add("Clip", ElementwiseSchema::clip);
        schemas.add("Softmax", ElementwiseSchema::softmax);
        schemas.add("ReduceSum", ReduceSchema::reduce, ReduceSchema::rowIndependent);
        for (String op : ReduceSchema.OPERATORS) {
            schemas.add(op, ReduceSchema::reduce, ReduceSchema::rowIndependent);
        }
        schemas.add("ArgMax", ElementwiseSchema::argMax);
        schemas.add("LogSumExp", LogSumExpSchema::logSumExp);
        schemas.add("LogSoftmax", ElementwiseSchema::logSoftmax);
        schemas.add("CategoryTableSum", CategoryTableSumSchema::infer);
        schemas.add("Interpolate", InterpolateSchema::infer);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        for (String[] ops : List.of(BinaryFunction.ARITHMETIC, BinaryFunction.COMPARISONS, BinaryFunction.LOGIC)) {
            for (String op : ops) {
                kernels.add(op, (node, in, c, math) -> ElementwiseKernels.binary(node, math));
            }
        }
        kernels.add("Not", (node, in, c, math) -> ElementwiseKernels.not());
        for (String op : FLOAT_PREDICATES) {
            kernels.add(op, (node, in, c, math) -> ElementwiseKernels.floatPredicate(node));
        }
        for (String op : UNARY) {
            kernels.add(op, (node, in, c, math) -> ElementwiseKernels.unary(node, math));
        }
        for (String op : MATH_FUNCTIONS) {
            kernels.add(op, (node, in, c, math) -> new MathFunctionKernel(node));
        }
        kernels.add("Clip", (node, in, c, math) -> new ClipKernel(math));
        kernels.add("Softmax", (node, in, c, math) -> ElementwiseKernels.softmax(node, false, math));
        kernels.add("ReduceSum", (node, in, c, math) -> ReduceSchema.lastAxisSum(node) ? ElementwiseKernels.reduceSum() : new ReduceKernel(node));
        for (String op : ReduceSchema.OPERATORS) {
            kernels.add(op, (node, in, c, math) -> new ReduceKernel(node));
        }
        kernels.add("ArgMax", (node, in, c, math) -> ElementwiseKernels.argMax());
        kernels.add("LogSumExp", (node, in, c, math) -> LogSumExpKernel.logSumExp());
        kernels.add("LogSoftmax", (node, in, c, math) -> ElementwiseSchema.scikitLearnLogSoftmax(node, in)
                ? LogSumExpKernel.logSoftmax() : ElementwiseKernels.softmax(node, true, math));
        kernels.add("CategoryTableSum", (node, in, c, math) -> new CategoryTableSumKernel(node, c));
        kernels.add("Interpolate", (node, in, c, math) -> new InterpolateKernel(node, c.get(1), c.get(2)));
    }
}
