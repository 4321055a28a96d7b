package org.mleruntime.operators.math;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.KernelSpecializer;
import org.mleruntime.kernels.MathKernels;

/**
 * CPU kernels of the element-wise operators, Softmax and the last-axis reductions. Floating-point
 * work follows numpy's operation order, so results agree with scikit-learn's to the last few bits.
 */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    public static Kernel binary(Node node, MathKernels math) {
        BinaryFunction f = BinaryFunction.of(node.opType(), node.intAttr("fmod", 0) != 0);
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor y = out[0];
            if (Float32Loops.binary(f.name(), a, b, y)) {
                return;
            }
            long count = y.elementCount();
            if (!a.dtype().isFloating()) {
                Broadcast ia = new Broadcast(y.shape(), a.shape());
                Broadcast ib = new Broadcast(y.shape(), b.shape());
                for (long i = 0; i < count; i++) {
                    y.setLong(i, f.integers().applyAsLong(a.getLong(ia.map(i)), b.getLong(ib.map(i))));
                }
                return;
            }
            DoubleBinaryOperator op = f.floats();
            boolean aFull = a.shape().equals(y.shape());
            if (aFull && b.shape().equals(y.shape())) {
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.applyAsDouble(a.getDouble(i), b.getDouble(i)));
                }
            } else if (aFull && b.elementCount() == 1) {
                double s = b.getDouble(0);
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.applyAsDouble(a.getDouble(i), s));
                }
            } else if (aFull && f.rowLoop() != null && y.shape().rank() == 2 && Broadcast.isRow(b.shape(), y.shape().dim(1))) {
                math.rowBroadcast(f.rowLoop(), a.dtype(), a.data(), b.data(), y.data(), y.shape().dim(0), Math.toIntExact(y.shape().dim(1)));
            } else {
                Broadcast ia = new Broadcast(y.shape(), a.shape());
                Broadcast ib = new Broadcast(y.shape(), b.shape());
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.applyAsDouble(a.getDouble(ia.map(i)), b.getDouble(ib.map(i))));
                }
            }
        };
    }

    /** Not: the negation of a bool tensor. */
    public static Kernel not() {
        return (in, out) -> {
            for (long i = 0; i < out[0].elementCount(); i++) {
                out[0].setLong(i, in[0].getLong(i) == 0 ? 1 : 0);
            }
        };
    }

    /** IsNaN, or IsInf with the signs its attributes {@code detect_negative} and {@code detect_positive} (default both) detect. */
    public static Kernel floatPredicate(Node node) {
        boolean negative = node.intAttr("detect_negative", 1) != 0;
        boolean positive = node.intAttr("detect_positive", 1) != 0;
        DoublePredicate test = node.opType().equals("IsNaN") ? Double::isNaN
                : x -> x == Double.NEGATIVE_INFINITY && negative || x == Double.POSITIVE_INFINITY && positive;
        return (in, out) -> {
            for (long i = 0; i < out[0].elementCount(); i++) {
                out[0].setLong(i, test.test(in[0].getDouble(i)) ? 1 : 0);
            }
        };
    }

    /**
     * An element-wise function kernel, from the class copy for its operator (see {@link UnaryKernel});
     * float32 HardSigmoid and HardSwish, the activations of mobile networks, run in the hot loops.
     */
    public static Kernel unary(Node node, MathKernels math) {
        Kernel general = (Kernel) KernelSpecializer.instantiate(MethodHandles.lookup(), UnaryKernel.class, node.opType(), node, List.of(), 0, false, null);
        boolean swish = node.opType().equals("HardSwish");
        if (!swish && !node.opType().equals("HardSigmoid")) {
            return general;
        }
        float alpha = swish ? 1f / 6 : (float) node.floatAttr("alpha", 0.2);
        float beta = swish ? 0.5f : (float) node.floatAttr("beta", 0.5);
        return (in, out) -> {
            if (in[0].dtype() == DType.FLOAT32 && out[0].dtype() == DType.FLOAT32) {
                math.hardSigmoid(in[0].data(), alpha, beta, swish, out[0].data(), out[0].elementCount());
            } else {
                general.compute(in, out);
            }
        };
    }

    /** The function of a one-argument operator, with its attributes' ONNX defaults; float32 values are rounded after it. */
    static DoubleUnaryOperator unaryFunction(Node node) {
        double alpha = node.floatAttr("alpha", switch (node.opType()) {
            case "LeakyRelu" -> 0.01;
            case "HardSigmoid" -> 0.2;
            case "Selu" -> 1.67326319217681884765625;
            default -> 1.0;
        });
        double beta = node.floatAttr("beta", 0.5);
        double gamma = node.floatAttr("gamma", 1.05070102214813232421875);
        boolean tanhGelu = node.stringAttr("approximate", "none").equals("tanh");
        return switch (node.opType()) {
            case "Sigmoid" -> x -> 1.0 / (1.0 + Math.exp(-x));
            case "Tanh" -> Math::tanh;
            case "Relu" -> x -> Math.max(x, 0.0); // NaN stays NaN and −0 becomes 0, without a branch to mispredict
            case "Exp" -> Math::exp;
            case "Log" -> Math::log;
            case "Neg" -> x -> -x;
            case "Abs" -> Math::abs;
            case "Cos" -> Math::cos;
            case "Sin" -> Math::sin;
            case "Erf" -> Erf::erf;
            case "Reciprocal" -> x -> 1.0 / x;
            case "Floor" -> Math::floor;
            case "Ceil" -> Math::ceil;
            case "LeakyRelu" -> x -> x < 0 ? alpha * x : x;
            case "Elu" -> x -> x < 0 ? alpha * Math.expm1(x) : x;
            case "Selu" -> x -> gamma * (x <= 0 ? alpha * Math.expm1(x) : x);
            case "Softplus" -> x -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case "Softsign" -> x -> x / (1 + Math.abs(x));
            case "HardSigmoid" -> x -> Math.max(0, Math.min(1, alpha * x + beta));
            case "HardSwish" -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case "Gelu" -> tanhGelu
                    ? x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
                    : x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
            default -> throw new IllegalArgumentException("not a unary operator: " + node.opType());
        };
    }

    /** Softmax, or with {@code log} log-softmax, along the node's axis: e^(x − max) / Σ e^(x − max), in double. */
    public static Kernel softmax(Node node, boolean log, MathKernels math) {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            int rank = x.shape().rank();
            int axis = (int) (node.intAttr("axis", -1) < 0 ? node.intAttr("axis", -1) + rank : node.intAttr("axis", -1));
            long size = x.shape().dim(axis);
            long inner = 1;
            for (int i = axis + 1; i < rank; i++) {
                inner *= x.shape().dim(i);
            }
            long outer = size * inner == 0 ? 0 : x.elementCount() / (size * inner);
            if (inner == 1 && x.dtype() == DType.FLOAT32 && y.dtype() == DType.FLOAT32) {
                lastAxisFloat32(math, x, y, outer, Math.toIntExact(size), log);
                return;
            }
            for (long o = 0; o < outer; o++) {
                for (long k = 0; k < inner; k++) {
                    long base = o * size * inner + k;
                    double max = Double.NEGATIVE_INFINITY;
                    for (long j = 0; j < size; j++) {
                        max = Math.max(max, x.getDouble(base + j * inner));
                    }
                    double sum = 0;
                    for (long j = 0; j < size; j++) {
                        double e = Math.exp(x.getDouble(base + j * inner) - max);
                        if (!log) {
                            y.setDouble(base + j * inner, e);
                        }
                        sum += log ? e : y.getDouble(base + j * inner);
                    }
                    double logSum = Math.log(sum);
                    for (long j = 0; j < size; j++) {
                        long at = base + j * inner;
                        y.setDouble(at, log ? x.getDouble(at) - max - logSum : y.getDouble(at) / sum);
                    }
                }
            }
        };
    }

    /**
     * Softmax along the last axis of float32 rows, a row at a time in an array, in float32 as the
     * frameworks compute it, the exponentials by the hot loops.
     */
    private static void lastAxisFloat32(MathKernels math, Tensor x, Tensor y, long rows, int size, boolean log) {
        float[] row = new float[size];
        float[] exponentials = log ? new float[size] : row;
        for (long r = 0; r < rows; r++) {
            MemorySegment.copy(x.data(), F32, r * size * Float.BYTES, row, 0, size);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < size; j++) {
                max = Math.max(max, row[j]);
            }
            if (log) {
                System.arraycopy(row, 0, exponentials, 0, size);
            }
            float sum = math.expShifted(exponentials, 0, size, max);
            if (log) {
                float shift = max + (float) Math.log(sum);
                for (int j = 0; j < size; j++) {
                    row[j] -= shift;
                }
            } else {
                for (int j = 0; j < size; j++) {
                    row[j] /= sum;
                }
            }
            MemorySegment.copy(row, 0, y.data(), F32, r * size * Float.BYTES, size);
        }
    }

    public static Kernel reduceSum() {
        return (in, out) -> {
            Tensor x = in[0];
            long cols = x.shape().dim(x.shape().rank() - 1);
            long rows = out[0].elementCount();
            for (long r = 0; r < rows; r++) {
                double sum = 0;
                for (long j = 0; j < cols; j++) {
                    sum += x.getDouble(r * cols + j);
                }
                out[0].setDouble(r, sum);
            }
        };
    }

    /** Index of the first maximum of each row; a NaN counts as the maximum, as in numpy. */
    public static Kernel argMax() {
        return (in, out) -> {
            Tensor x = in[0];
            long cols = x.shape().dim(x.shape().rank() - 1);
            long rows = out[0].elementCount();
            for (long r = 0; r < rows; r++) {
                long best = 0;
                double max = x.getDouble(r * cols);
                for (long j = 1; j < cols && !Double.isNaN(max); j++) {
                    double v = x.getDouble(r * cols + j);
                    if (v > max || Double.isNaN(v)) {
                        max = v;
                        best = j;
                    }
                }
                out[0].setLong(r, best);
            }
        };
    }
}
