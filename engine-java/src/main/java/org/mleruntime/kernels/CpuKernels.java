package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * CPU kernels for operator set 1, one factory per operator. Floating-point work follows the
 * operation order of the frameworks the exporters translate from (scikit-learn, numpy), so results
 * agree with theirs to the last few bits; the hot loops go through {@link MathKernels}.
 */
public final class CpuKernels {
    private CpuKernels() {}

    public static Kernel gemm(Node node, MathKernels math) {
        boolean transB = node.intAttr("transB", 0) != 0;
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor c = in.length > 2 ? in[2] : null;
            Tensor y = out[0];
            int n = Math.toIntExact(a.shape().dim(0));
            int k = Math.toIntExact(a.shape().dim(1));
            int m = Math.toIntExact(y.shape().dim(1));
            MemorySegment bias = c == null ? MemorySegment.NULL : c.data();
            long biasLength = c == null ? 0 : c.elementCount();
            if (transB) {
                math.gemmTransB(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            } else {
                math.gemm(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            }
        };
    }

    public static Kernel matMul(MathKernels math) {
        return (in, out) -> {
            Tensor a = in[0];
            int n = Math.toIntExact(a.shape().dim(0));
            int k = Math.toIntExact(a.shape().dim(1));
            int m = Math.toIntExact(out[0].shape().dim(1));
            math.gemm(a.dtype(), a.data(), in[1].data(), MemorySegment.NULL, 0, out[0].data(), n, k, m);
        };
    }

    public static Kernel binary(Node node, MathKernels math) {
        BinaryOp op = BinaryOp.of(node.opType());
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor y = out[0];
            long count = y.elementCount();
            boolean aFull = a.shape().equals(y.shape());
            if (aFull && b.shape().equals(y.shape())) {
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.apply(a.getDouble(i), b.getDouble(i)));
                }
            } else if (aFull && b.elementCount() == 1) {
                double s = b.getDouble(0);
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.apply(a.getDouble(i), s));
                }
            } else if (aFull && !op.comparison() && op != BinaryOp.POW && y.shape().rank() == 2 && isRow(b.shape(), y.shape().dim(1))) {
                math.rowBroadcast(op, a.dtype(), a.data(), b.data(), y.data(), y.shape().dim(0), Math.toIntExact(y.shape().dim(1)));
            } else {
                Broadcast ia = new Broadcast(y.shape(), a.shape());
                Broadcast ib = new Broadcast(y.shape(), b.shape());
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, op.apply(a.getDouble(ia.map(i)), b.getDouble(ib.map(i))));
                }
            }
        };
    }

    private static boolean isRow(Shape s, long cols) {
        long[] d = s.dims();
        for (int i = 0; i < d.length - 1; i++) {
            if (d[i] != 1) {
                return false;
            }
        }
        return d.length > 0 && d[d.length - 1] == cols;
    }

    /** An element-wise function kernel, from the class copy for its operator (see {@link UnaryKernel}). */
    public static Kernel unary(Node node) {
        return (Kernel) KernelSpecializer.instantiate(UnaryKernel.class, node.opType(), node, List.of(), 0, false, null);
    }

    static java.util.function.DoubleUnaryOperator unaryFunction(Node node) {
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
            default -> throw new IllegalArgumentException("not a unary operator: " + node.opType());
        };
    }

    public static Kernel softmax() {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long cols = x.shape().dim(x.shape().rank() - 1);
            long rows = cols == 0 ? 0 : x.elementCount() / cols;
            for (long r = 0; r < rows; r++) {
                long base = r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (long j = 0; j < cols; j++) {
                    max = Math.max(max, x.getDouble(base + j));
                }
                double sum = 0;
                for (long j = 0; j < cols; j++) {
                    double e = Math.exp(x.getDouble(base + j) - max);
                    y.setDouble(base + j, e);
                    sum += y.getDouble(base + j);
                }
                for (long j = 0; j < cols; j++) {
                    y.setDouble(base + j, y.getDouble(base + j) / sum);
                }
            }
        };
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

    public static Kernel cast() {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long count = y.elementCount();
            boolean integral = !x.dtype().isFloating() && !y.dtype().isFloating();
            for (long i = 0; i < count; i++) {
                if (integral) {
                    y.setLong(i, x.getLong(i));
                } else {
                    y.setDouble(i, x.getDouble(i));
                }
            }
        };
    }

    public static Kernel labelMap(Tensor labels) {
        long classes = labels.elementCount();
        boolean strings = labels.dtype() == DType.STRING;
        boolean integral = !strings && !labels.dtype().isFloating();
        return (in, out) -> {
            Tensor idx = in[0];
            Tensor y = out[0];
            long count = y.elementCount();
            for (long i = 0; i < count; i++) {
                long k = idx.getLong(i);
                if (k < 0 || k >= classes) {
                    throw new InvalidInputException("class index " + k + " at element " + i + " is outside the " + classes + " class labels");
                }
                if (strings) {
                    y.setString(i, labels.string(k));
                } else if (integral) {
                    y.setLong(i, labels.getLong(k));
                } else {
                    y.setDouble(i, labels.getDouble(k));
                }
            }
        };
    }

    public static Kernel scaler(Node node, MathKernels math) {
        boolean divide = node.stringAttr("mode", "").equals("sub_div");
        return (in, out) -> {
            Tensor x = in[0];
            Tensor offset = in[1];
            Tensor scale = in[2];
            Tensor y = out[0];
            long cols = x.shape().rank() == 0 ? 1 : x.shape().dim(x.shape().rank() - 1);
            if (x.shape().rank() == 2 && offset.elementCount() == cols && scale.elementCount() == cols
                    && isRow(offset.shape(), cols) && isRow(scale.shape(), cols)) {
                math.scale(x.dtype(), divide, x.data(), offset.data(), scale.data(), y.data(), x.shape().dim(0), Math.toIntExact(cols));
                return;
            }
            Broadcast io = new Broadcast(y.shape(), offset.shape());
            Broadcast is = new Broadcast(y.shape(), scale.shape());
            boolean f32 = x.dtype() == DType.FLOAT32;
            for (long i = 0; i < y.elementCount(); i++) {
                double v = x.getDouble(i);
                double o = offset.getDouble(io.map(i));
                double s = scale.getDouble(is.map(i));
                double first = divide ? v - o : v * s;
                if (f32) {
                    first = (float) first;
                }
                y.setDouble(i, divide ? first / s : first + o);
            }
        };
    }

    public static Kernel concat(Node node) {
        return (in, out) -> {
            Tensor y = out[0];
            int rank = y.shape().rank();
            int axis = (int) (node.intAttr("axis", 1) < 0 ? node.intAttr("axis", 1) + rank : node.intAttr("axis", 1));
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= y.shape().dim(i);
            }
            long outInner = y.elementCount() / Math.max(outer, 1);
            long position = 0;
            for (Tensor x : in) {
                long inner = x.elementCount() / Math.max(outer, 1);
                if (inner < SHORT_RUN && x.dtype().byteSize() >= 4) {
                    interleave(x, inner, y, outInner, position, outer);
                } else {
                    for (long o = 0; o < outer; o++) {
                        copy(x, o * inner, y, o * outInner + position, inner);
                    }
                }
                position += inner;
            }
        };
    }

    /** Runs shorter than this (a column or two per row) are copied element by element: a bulk copy costs more per call than it saves. */
    private static final long SHORT_RUN = 8;

    /** Concat's copy of short runs, {@code inner} elements of each of {@code outer} rows, bit for bit. */
    private static void interleave(Tensor x, long inner, Tensor y, long outInner, long position, long outer) {
        MemorySegment from = x.data();
        MemorySegment to = y.data();
        boolean wide = x.dtype().byteSize() == 8;
        for (long o = 0; o < outer; o++) {
            for (long k = 0; k < inner; k++) {
                long source = o * inner + k;
                long target = o * outInner + position + k;
                if (wide) {
                    to.setAtIndex(Tensor.I64, target, from.getAtIndex(Tensor.I64, source));
                } else {
                    to.setAtIndex(Tensor.I32, target, from.getAtIndex(Tensor.I32, source));
                }
            }
        }
    }

    /** Identity and Reshape: the elements unchanged, in a buffer of their own. */
    public static Kernel copy() {
        return (in, out) -> copy(in[0], 0, out[0], 0, in[0].elementCount());
    }

    private static void copy(Tensor from, long fromIndex, Tensor to, long toIndex, long count) {
        if (from.dtype() == DType.STRING) {
            for (long i = 0; i < count; i++) {
                to.setString(toIndex + i, from.string(fromIndex + i));
            }
        } else {
            long size = from.dtype().byteSize();
            MemorySegment.copy(from.data(), fromIndex * size, to.data(), toIndex * size, count * size);
        }
    }

    /** A tree-ensemble kernel, from the class copy for its variant of input, threshold and leaf types. */
    public static Kernel treeEnsemble(Node node, List<Tensor> constants, DType inputType, long features, MathKernels math) {
        return (Kernel) KernelSpecializer.instantiate(TreeEnsembleKernel.class, inputType.label() + "-" + TreeEnsembleKernel.variant(node, constants),
                node, constants, features, inputType == DType.FLOAT32, math);
    }

    public static Kernel obliviousTreeEnsemble(Node node, List<Tensor> constants, DType inputType, long features, MathKernels math) {
        return (Kernel) KernelSpecializer.instantiate(ObliviousTreeEnsembleKernel.class, inputType.label() + "-" + constants.get(3).dtype().label(),
                node, constants, features, inputType == DType.FLOAT32, math);
    }

    /** The distance and neighbour kernels, with the distance loops of the same kind as {@code math}. */
    public static Kernel neighbors(Node node, List<Tensor> constants, MathKernels math) {
        DistanceLoops loops = DistanceLoops.matching(math);
        return switch (node.opType()) {
            case "PairwiseDistance" -> new PairwiseDistanceKernel(node, constants, loops);
            case "Neighbors" -> new NeighborsKernel(node, constants, loops);
            default -> new NeighborsAggregateKernel(node, constants);
        };
    }

    /** Log-probability kernels: LogSumExp, LogSoftmax and CategoryTableSum. */
    public static Kernel probabilities(Node node, List<Tensor> constants) {
        return switch (node.opType()) {
            case "LogSumExp" -> LogSumExpKernel.logSumExp();
            case "LogSoftmax" -> LogSumExpKernel.logSoftmax();
            default -> new CategoryTableSumKernel(node, constants);
        };
    }

    /** Operators whose kernels these factories provide. */
    public static List<String> operators() {
        return List.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Greater", "GreaterOrEqual", "Sigmoid", "Tanh", "Relu", "Exp", "Log", "Neg", "Abs", "Cos", "Sin", "Softmax",
                "ReduceSum", "ArgMax", "Cast", "LabelMap", "Scaler", "Concat", "Identity", "Reshape", "TreeEnsemble", "ObliviousTreeEnsemble",
                "KernelMatrix", "SvmDecision", "SvmVote", "SvmOvr", "SvmProbability",
                "GatherColumns", "CategoryMap", "OneHot", "Bucketize", "TokenCounts", "HashedTokenCounts", "TokenCountsGemm", "HashedTokenCountsGemm", "Impute", "IsMissing", "RequireFinite", "Clip", "Log1p", "Expm1", "Sqrt",
                "Normalizer", "PowerTransform", "QuantileTransform", "Monomials", "SplineBasis", "Dequantize", "QGemm",
                "ClassIndicator", "WeightedMedian", "Interpolate",
                "PairwiseDistance", "Neighbors", "NeighborsAggregate", "LogSumExp", "LogSoftmax", "CategoryTableSum");
    }
}
