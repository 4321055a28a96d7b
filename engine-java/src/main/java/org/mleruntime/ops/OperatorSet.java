package org.mleruntime.ops;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.broadcast;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mleruntime.UnsupportedOperatorException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** The operator set, version {@value #VERSION}: every operator the engine knows, by name. */
public final class OperatorSet {
    public static final int VERSION = 1;

    @FunctionalInterface
    private interface Inference {
        List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants);
    }

    private record Schema(String name, boolean rowIndependent, Inference inference) implements OpSchema {
        @Override
        public List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants) {
            return inference.infer(node, inputs, constants);
        }
    }

    private static final Map<String, OpSchema> SCHEMAS = new TreeMap<>();

    static {
        add("Gemm", OperatorSet::gemm);
        add("MatMul", OperatorSet::matMul);
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow")) {
            add(op, OperatorSet::arithmetic);
        }
        for (String op : List.of("Sigmoid", "Tanh", "Relu", "Exp", "Log", "Neg", "Abs", "Cos", "Sin")) {
            add(op, OperatorSet::floatUnary);
        }
        add("Softmax", OperatorSet::softmax);
        add("ReduceSum", OperatorSet::reduceSum);
        add("ArgMax", OperatorSet::argMax);
        add("Greater", OperatorSet::greater);
        add("GreaterOrEqual", OperatorSet::greater);
        add("Cast", OperatorSet::cast);
        add("LabelMap", OperatorSet::labelMap);
        add("Scaler", OperatorSet::scaler);
        add("Concat", OperatorSet::concat);
        add("Identity", (n, in, c) -> {
            arity(n, in, 1, 1);
            return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
        });
        add("Reshape", OperatorSet::reshape);
        add("TreeEnsemble", TreeEnsembleSchema::infer);
        add("ObliviousTreeEnsemble", ObliviousTreeEnsembleSchema::infer);
        add("KernelMatrix", KernelMatrixSchema::infer);
        SvmSchema.OPERATORS.forEach(op -> add(op, SvmSchema::infer));
        add("GatherColumns", ColumnSchema::gatherColumns);
        add("CategoryMap", EncoderSchema::categoryMap);
        add("OneHot", EncoderSchema::oneHot);
        add("Bucketize", EncoderSchema::bucketize);
        add("TokenCounts", TextSchema::tokenCounts);
        add("HashedTokenCounts", TextSchema::hashedTokenCounts);
        add("TokenCountsGemm", TextSchema::tokenCountsGemm);
        add("HashedTokenCountsGemm", TextSchema::hashedTokenCountsGemm);
        add("Impute", MissingValueSchema::impute);
        add("IsMissing", MissingValueSchema::isMissing);
        add("RequireFinite", MissingValueSchema::requireFinite);
        add("Clip", ScalingSchema::clip);
        add("Log1p", ScalingSchema::mathFunction);
        add("Expm1", ScalingSchema::mathFunction);
        add("Sqrt", ScalingSchema::mathFunction);
        add("Normalizer", ScalingSchema::normalizer);
        add("PowerTransform", ScalingSchema::powerTransform);
        add("QuantileTransform", ScalingSchema::quantileTransform);
        add("Monomials", ExpansionSchema::monomials);
        add("SplineBasis", ExpansionSchema::splineBasis);
        add("Dequantize", QuantizationSchemas::dequantize);
        add("QGemm", QuantizationSchemas::qgemm);
        add("ClassIndicator", ClassIndicatorSchema::infer);
        add("WeightedMedian", WeightedMedianSchema::infer);
        add("Interpolate", InterpolateSchema::infer);
        add("PairwiseDistance", NeighborsSchema::pairwiseDistance);
        add("Neighbors", NeighborsSchema::neighbors);
        add("NeighborsAggregate", NeighborsSchema::aggregate);
        add("LogSumExp", LogSumExpSchema::logSumExp);
        add("LogSoftmax", LogSumExpSchema::logSoftmax);
        add("CategoryTableSum", CategoryTableSumSchema::infer);
    }

    private OperatorSet() {}

    private static void add(String name, Inference inference) {
        SCHEMAS.put(name, new Schema(name, true, inference));
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

    public static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(SCHEMAS.keySet()));
    }

    private static List<ValueInfo> gemm(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        floating(n, a);
        sameDtype(n, a, b);
        rank(n, a, 2);
        rank(n, b, 2);
        boolean transB = n.intAttr("transB", 0) != 0;
        long k = transB ? b.shape().dim(1) : b.shape().dim(0);
        long m = transB ? b.shape().dim(0) : b.shape().dim(1);
        if (a.shape().dim(1) != k) {
            throw error(n, "A has " + a.shape().dim(1) + " columns but B" + (transB ? "ᵀ" : "") + " has " + k + " rows");
        }
        if (b.shape().isBatched()) {
            throw error(n, "B must not have the batch dimension");
        }
        if (in.size() == 3) {
            ValueInfo bias = in.get(2);
            sameDtype(n, a, bias);
            Shape s = bias.shape();
            boolean ok = s.rank() == 0 || (s.rank() == 1 && (s.dim(0) == m || s.dim(0) == 1))
                    || (s.rank() == 2 && s.dim(0) == 1 && (s.dim(1) == m || s.dim(1) == 1));
            if (!ok) {
                throw error(n, "bias C of shape " + s + " does not broadcast to [" + m + "]");
            }
        }
        return List.of(out(n, a.dtype(), Shape.of(a.shape().dim(0), m)));
    }

    private static List<ValueInfo> matMul(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        floating(n, a);
        sameDtype(n, a, b);
        rank(n, a, 2);
        rank(n, b, 2);
        if (a.shape().dim(1) != b.shape().dim(0) || b.shape().isBatched()) {
            throw error(n, "cannot multiply " + a.shape() + " by " + b.shape());
        }
        return List.of(out(n, a.dtype(), Shape.of(a.shape().dim(0), b.shape().dim(1))));
    }

    private static List<ValueInfo> arithmetic(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        floating(n, in.get(0));
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, in.get(0).dtype(), broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }

    private static List<ValueInfo> floatUnary(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
    }

    private static List<ValueInfo> softmax(Node n, List<ValueInfo> in, List<Tensor> c) {
        List<ValueInfo> out = floatUnary(n, in, c);
        int rank = in.getFirst().shape().rank();
        if (axis(n, n.intAttr("axis", -1), rank) != rank - 1) {
            throw error(n, "only the last axis is supported");
        }
        return out;
    }

    private static List<ValueInfo> reduceSum(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, in.getFirst().dtype(), reducedShape(n, in.getFirst().shape())));
    }

    private static List<ValueInfo> argMax(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        if (!in.getFirst().dtype().isNumeric()) {
            throw error(n, "input must be numeric");
        }
        return List.of(out(n, DType.INT64, reducedShape(n, in.getFirst().shape())));
    }

    /** The shape after reducing the last axis (the only one these operators reduce). */
    private static Shape reducedShape(Node n, Shape s) {
        if (s.rank() < 2 || axis(n, n.intAttr("axis", -1), s.rank()) != s.rank() - 1) {
            throw error(n, "reduces only the last axis of a value of rank 2 or more, got " + s + " and axis " + n.intAttr("axis", -1));
        }
        boolean keep = n.intAttr("keepdims", n.opType().equals("ArgMax") ? 0 : 1) != 0;
        long[] d = s.dims();
        if (keep) {
            d[d.length - 1] = 1;
            return new Shape(d);
        }
        return new Shape(java.util.Arrays.copyOf(d, d.length - 1));
    }

    private static List<ValueInfo> greater(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        floating(n, in.get(0));
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, DType.BOOL, broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }

    private static List<ValueInfo> cast(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        DType to;
        try {
            to = DType.fromLabel(n.stringAttr("to", ""));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
        if (!to.isNumeric() || !in.getFirst().dtype().isNumeric()) {
            throw error(n, "casts only between numeric dtypes");
        }
        return List.of(out(n, to, in.getFirst().shape()));
    }

    private static List<ValueInfo> labelMap(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        DType idx = in.get(0).dtype();
        if (idx != DType.INT64 && idx != DType.INT32 && idx != DType.BOOL) {
            throw error(n, "indices must be int64, int32 or bool, found " + idx.label());
        }
        if (c.get(1) == null || c.get(1).shape().rank() != 1) {
            throw error(n, "labels must be a rank-1 constant");
        }
        return List.of(out(n, in.get(1).dtype(), in.get(0).shape()));
    }

    private static List<ValueInfo> scaler(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = in.get(0);
        floating(n, x);
        for (int i = 1; i < 3; i++) {
            sameDtype(n, x, in.get(i));
            broadcast(n, x.shape(), in.get(i).shape());
        }
        String mode = n.stringAttr("mode", "");
        if (!mode.equals("sub_div") && !mode.equals("mul_add")) {
            throw error(n, "attribute mode must be 'sub_div' or 'mul_add', found '" + mode + "'");
        }
        return List.of(out(n, x.dtype(), x.shape()));
    }

    private static List<ValueInfo> concat(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, Integer.MAX_VALUE);
        ValueInfo first = in.getFirst();
        int rank = first.shape().rank();
        int axis = axis(n, n.intAttr("axis", 1), rank);
        if (axis == 0) {
            throw error(n, "cannot concatenate along the batch axis");
        }
        long[] d = first.shape().dims();
        d[axis] = 0;
        for (ValueInfo v : in) {
            sameDtype(n, first, v);
            if (v.shape().rank() != rank) {
                throw error(n, "all inputs need rank " + rank + ", '" + v.name() + "' has shape " + v.shape());
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis && v.shape().dim(i) != first.shape().dim(i)) {
                    throw error(n, "input '" + v.name() + "' of shape " + v.shape() + " differs from " + first.shape() + " off the concatenation axis");
                }
            }
            d[axis] += v.shape().dim(axis);
        }
        return List.of(out(n, first.dtype(), new Shape(d)));
    }

    private static List<ValueInfo> reshape(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        Shape from = in.getFirst().shape();
        Shape to;
        try {
            to = new Shape(n.intsAttr("shape"));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
        if (from.isBatched() != to.isBatched()) {
            throw error(n, "the batch dimension must stay first: cannot reshape " + from + " to " + to);
        }
        long fromElems = from.isBatched() ? from.elementsPerRow() : from.elementCount();
        long toElems = to.isBatched() ? to.elementsPerRow() : to.elementCount();
        if (fromElems != toElems) {
            throw error(n, "cannot reshape " + from + " to " + to);
        }
        return List.of(out(n, in.getFirst().dtype(), to));
    }
}
