package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.planner.ShapeInference;

/**
 * Recognises scaled-dot-product attention written out in primitives, {@code MatMul(Softmax(mask(
 * scale · (Q·s₁)·(Kᵀ·s₂))), V)}, and runs it as one {@code Attention} node (ONNX opset 23), whose
 * kernel never holds more than a block of the score matrix. Kᵀ is a Transpose of the last two axes
 * or the Reshape–Transpose–Reshape that torch's exporter writes for {@code k.transpose(-2, -1)};
 * the scales are scalar constants (Mul or Div); the mask is an Add of a float32 mask whose last
 * axis is the keys', a Where of a bool mask choosing −∞ where it is false (or, as masked_fill writes
 * it, where it is true: the mask is then negated by a Not), or the causal mask torch builds
 * ({@code Where(Trilu(ones[Sq, Skv]) == 0, −∞, 0)}), which becomes {@code is_causal}. Q, K and V
 * are float32 and 4-D [B, H, S, size] (or 3-D [B·H, S, size], one head per batch entry), with the
 * same batch and heads. The probabilities may be guarded as PyTorch's attention writes it,
 * {@code Where(IsNaN(p), 0, p)}. The scale is applied once instead of twice, so outputs change
 * within float32 rounding; a row whose every key is masked gives zeros where the unguarded
 * primitives give NaN.
 */
public final class AttentionFusion implements GraphPass {
    private static final long SLICE_TO_END = Long.MAX_VALUE;

    @Override
    public String name() {
        return "attention-fusion";
    }

    /** What the primitives compute, as the Attention node's inputs and attributes. */
    private record Match(String q, String k, String v, String mask, boolean maskMarksMasked, double scale, boolean causal) {}

    @Override
    public Graph apply(Graph graph) {
        if (graph.nodes().stream().noneMatch(n -> n.opType().equals("Softmax"))) {
            return graph;
        }
        Uses uses = new Uses(graph);
        Map<String, ValueInfo> types = ShapeInference.infer(graph);
        FreshNames names = new FreshNames(graph);
        List<Node> result = new ArrayList<>();
        boolean changed = false;
        for (Node n : graph.nodes()) {
            Match m = n.opType().equals("MatMul") ? match(n, uses, graph.constants(), types) : null;
            if (m == null) {
                result.add(n);
                continue;
            }
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            attributes.put("scale", new Attribute.Float(m.scale()));
            if (m.causal()) {
                attributes.put("is_causal", new Attribute.Int(1));
            }
            if (types.get(m.q()).shape().rank() == 3) {
                attributes.put("q_num_heads", new Attribute.Int(1));
                attributes.put("kv_num_heads", new Attribute.Int(1));
            }
            String mask = m.mask();
            if (m.maskMarksMasked()) {
                // Attention's bool mask is true where a key is attended: the condition, negated.
                mask = names.fresh(m.mask() + "_attended");
                result.add(new Node(names.fresh(n.name() + "_mask"), "Not", 1, List.of(m.mask()), List.of(mask), Map.of()));
            }
            List<String> inputs = mask == null ? List.of(m.q(), m.k(), m.v()) : List.of(m.q(), m.k(), m.v(), mask);
            result.add(new Node(names.fresh(n.name() + "_attention"), "Attention", 1, inputs, n.outputs(), attributes));
            changed = true;
        }
        // The primitives the Attention replaces are left without readers; dead-code elimination removes them.
        return changed ? graph.withNodes(result, graph.constants()) : graph;
    }

    private static Match match(Node product, Uses uses, Map<String, Tensor> constants, Map<String, ValueInfo> types) {
        String probabilities = product.inputs().get(0);
        String unguarded = unguarded(probabilities, uses, constants);
        // The guard reads the probabilities twice; the guard itself is what no other node may read.
        Node softmax = unguarded.equals(probabilities) ? privateProducer(probabilities, uses) : uses.producer(unguarded);
        if (softmax == null || !softmax.opType().equals("Softmax") || !lastAxis(softmax, types)) {
            return null;
        }
        String v = product.inputs().get(1);
        String scores = softmax.inputs().getFirst();
        Node node = privateProducer(scores, uses);
        String mask = null;
        boolean maskMarksMasked = false;
        if (node != null && node.opType().equals("Add")) {
            boolean leftIsScores = isScoreProducer(node.inputs().get(0), uses);
            String other = node.inputs().get(leftIsScores ? 1 : 0);
            scores = node.inputs().get(leftIsScores ? 0 : 1);
            if (!sameShape(types, node.outputs().getFirst(), scores)) {
                return null;
            }
            mask = other;
            node = privateProducer(scores, uses);
        } else if (node != null && node.opType().equals("Where") && Scalars.near(constants, node.inputs().get(2), Double.NEGATIVE_INFINITY)) {
            // Scores where the condition holds, −∞ elsewhere: a bool mask as Attention reads it.
            mask = node.inputs().get(0);
            scores = node.inputs().get(1);
            if (!sameShape(types, node.outputs().getFirst(), scores)) {
                return null;
            }
            node = privateProducer(scores, uses);
        } else if (node != null && node.opType().equals("Where") && Scalars.near(constants, node.inputs().get(1), Double.NEGATIVE_INFINITY)) {
            // −∞ where the condition holds (masked_fill's form): the condition marks the masked keys.
            mask = node.inputs().get(0);
            maskMarksMasked = true;
            scores = node.inputs().get(2);
            if (!sameShape(types, node.outputs().getFirst(), scores)) {
                return null;
            }
            node = privateProducer(scores, uses);
        }
        double scale = 1;
        Double factor = node == null ? null : scaleOf(node, constants);
        if (factor != null) {
            scale *= factor;
            node = privateProducer(node.inputs().getFirst(), uses);
        }
        if (node == null || !node.opType().equals("MatMul")) {
            return null;
        }
        Scaled q = unscaled(node.inputs().get(0), uses, constants);
        Scaled kt = unscaled(node.inputs().get(1), uses, constants);
        String k = transposedLastTwo(kt.value(), uses, constants);
        if (k == null) {
            return null;
        }
        Scaled kScaled = unscaled(k, uses, constants);
        scale *= q.factor() * kt.factor() * kScaled.factor();
        boolean causal = mask != null && isCausalMask(mask, q.value(), kScaled.value(), uses, constants);
        Match m = new Match(q.value(), kScaled.value(), v, causal ? null : mask, maskMarksMasked && !causal, scale, causal);
        return fits(m, types) ? m : null;
    }

    /**
     * The probabilities under {@code Where(IsNaN(p), 0, p)}, the guard PyTorch's attention writes for
     * rows whose every key is masked (NaN there becomes 0, which Attention gives for such rows), else
     * the value itself. The guard's two reads must be p's only ones.
     */
    private static String unguarded(String value, Uses uses, Map<String, Tensor> constants) {
        Node where = privateProducer(value, uses);
        if (where == null || !where.opType().equals("Where") || where.inputs().size() != 3 || !Scalars.near(constants, where.inputs().get(1), 0)) {
            return value;
        }
        String p = where.inputs().get(2);
        Node isNaN = privateProducer(where.inputs().get(0), uses);
        boolean guard = isNaN != null && isNaN.opType().equals("IsNaN") && isNaN.inputs().getFirst().equals(p) && uses.reads(p) == 2
                && !uses.isGraphOutput(p);
        return guard ? p : value;
    }

    /** Q, K and V float32 of one rank (3 or 4) with the same batch (and heads), the mask reaching every key. */
    private static boolean fits(Match m, Map<String, ValueInfo> types) {
        ValueInfo q = types.get(m.q());
        ValueInfo k = types.get(m.k());
        ValueInfo v = types.get(m.v());
        if (q == null || k == null || v == null) {
            return false;
        }
        int rank = q.shape().rank();
        boolean float32 = q.dtype() == DType.FLOAT32 && k.dtype() == DType.FLOAT32 && v.dtype() == DType.FLOAT32;
        if (!float32 || (rank != 3 && rank != 4) || k.shape().rank() != rank || v.shape().rank() != rank) {
            return false;
        }
        // Sizes known equal, or sizes not known until run time, which the kernel checks (MatMul's
        // broadcasting of a batch or of K's and V's heads of 1 is what Attention computes too).
        if (!mayMatch(q.shape(), k.shape(), 0) || !mayMatch(q.shape(), v.shape(), 0)
                || rank == 4 && (!mayMatch(q.shape(), k.shape(), 1) || !mayEqual(k.shape(), v.shape(), 1))
                || !mayEqual(k.shape(), v.shape(), rank - 2)) {
            return false;
        }
        if (m.mask() == null) {
            return true;
        }
        ValueInfo mask = types.get(m.mask());
        // Attention masks keys beyond a short mask where an Add would broadcast it: its last axis must be the keys'.
        return mask != null && mask.shape().rank() >= 1 && mask.shape().rank() <= (rank == 4 ? 4 : 2)
                && (mask.dtype() == DType.FLOAT32 && !m.maskMarksMasked() || mask.dtype() == DType.BOOL)
                && sameDim(mask.shape(), mask.shape().rank() - 1, k.shape(), rank - 2);
    }

    private static boolean mayMatch(Shape a, Shape b, int axis) {
        return mayEqual(a, b, axis) || b.dim(axis) == 1;
    }

    private static boolean mayEqual(Shape a, Shape b, int axis) {
        return a.dim(axis) == b.dim(axis) || a.dim(axis) == Shape.BATCH || b.dim(axis) == Shape.BATCH;
    }

    private static boolean sameDim(Shape a, int axisA, Shape b, int axisB) {
        if (a.dim(axisA) != b.dim(axisB)) {
            return false;
        }
        return a.dim(axisA) != Shape.BATCH || (a.symbol(axisA) != null && !a.symbol(axisA).equals(Shape.UNKNOWN) && a.symbol(axisA).equals(b.symbol(axisB)));
    }

    private static boolean sameShape(Map<String, ValueInfo> types, String a, String b) {
        ValueInfo ta = types.get(a);
        ValueInfo tb = types.get(b);
        return ta != null && tb != null && ta.shape().equals(tb.shape());
    }

    private static boolean lastAxis(Node softmax, Map<String, ValueInfo> types) {
        ValueInfo x = types.get(softmax.inputs().getFirst());
        if (x == null || !softmax.hasAttr("axis") && softmax.opsetVersion() < 13) {
            return false;
        }
        long axis = softmax.intAttr("axis", -1);
        return axis == -1 || axis == x.shape().rank() - 1;
    }

    private static boolean isScoreProducer(String value, Uses uses) {
        Node p = uses.producer(value);
        return p != null && (p.opType().equals("MatMul") || p.opType().equals("Mul") || p.opType().equals("Div"));
    }

    /** A value with the scalar factors Mul or Div by constants applied to it taken off. */
    private record Scaled(String value, double factor) {}

    private static Scaled unscaled(String value, Uses uses, Map<String, Tensor> constants) {
        double factor = 1;
        Node p = privateProducer(value, uses);
        Double f;
        while (p != null && (f = scaleOf(p, constants)) != null) {
            factor *= f;
            value = p.inputs().getFirst();
            p = privateProducer(value, uses);
        }
        return new Scaled(value, factor);
    }

    /** The factor a Mul or Div by a scalar constant (second input) multiplies by, else null. */
    private static Double scaleOf(Node n, Map<String, Tensor> constants) {
        if (n.inputs().size() != 2 || constants.containsKey(n.inputs().getFirst())) {
            return null;
        }
        Double c = Scalars.of(constants, n.inputs().get(1));
        if (c == null || c == 0 || constants.get(n.inputs().get(1)).dtype() != DType.FLOAT32) {
            return null;
        }
        return switch (n.opType()) {
            case "Mul" -> c;
            case "Div" -> 1 / c;
            default -> null;
        };
    }

    /** K when {@code value} is K with its last two axes swapped, written as one Transpose or as torch writes it; else null. */
    private static String transposedLastTwo(String value, Uses uses, Map<String, Tensor> constants) {
        Node p = privateProducer(value, uses);
        if (p == null) {
            return null;
        }
        if (p.opType().equals("Transpose") && p.hasAttr("perm")) {
            long[] perm = p.intsAttr("perm");
            int r = perm.length;
            for (int i = 0; i < r - 2; i++) {
                if (perm[i] != i) {
                    return null;
                }
            }
            return r >= 2 && perm[r - 2] == r - 1 && perm[r - 1] == r - 2 ? p.inputs().getFirst() : null;
        }
        // Reshape(Transpose(Reshape(K, [-1, K[-2], K[-1]]), [0, 2, 1]), [K[:-2], K[-1], K[-2]])
        if (!p.opType().equals("Reshape")) {
            return null;
        }
        Node swap = privateProducer(p.inputs().getFirst(), uses);
        if (swap == null || !swap.opType().equals("Transpose") || !Arrays.equals(swap.intsAttr("perm"), new long[] {0, 2, 1})) {
            return null;
        }
        Node flatten = privateProducer(swap.inputs().getFirst(), uses);
        if (flatten == null || !flatten.opType().equals("Reshape")) {
            return null;
        }
        String k = flatten.inputs().getFirst();
        List<String> flat = concatParts(flatten.inputs().get(1), uses);
        List<String> back = concatParts(p.inputs().get(1), uses);
        if (flat == null || back == null || flat.size() != 3 || back.size() != 3) {
            return null;
        }
        boolean flatOk = Scalars.near(constants, flat.get(0), -1) && isShapeSlice(flat.get(1), k, -2, -1, uses, constants)
                && isShapeSlice(flat.get(2), k, -1, SLICE_TO_END, uses, constants);
        boolean backOk = isShapeSlice(back.get(0), k, Long.MIN_VALUE, -2, uses, constants) && isShapeSlice(back.get(1), k, -1, SLICE_TO_END, uses, constants)
                && isShapeSlice(back.get(2), k, -2, -1, uses, constants);
        return flatOk && backOk ? k : null;
    }

    private static List<String> concatParts(String value, Uses uses) {
        Node p = uses.producer(value);
        return p != null && p.opType().equals("Concat") && p.intAttr("axis", 0) == 0 ? p.inputs() : null;
    }

    /**
     * Whether {@code value} is {@code Slice(Shape(source), [start], [end])}, an end at or beyond
     * {@link #SLICE_TO_END} meaning to the end and a start at {@link Long#MIN_VALUE} from the first axis.
     */
    private static boolean isShapeSlice(String value, String source, long start, long end, Uses uses, Map<String, Tensor> constants) {
        Node slice = uses.producer(value);
        if (slice == null || !slice.opType().equals("Slice") || slice.inputs().size() < 3 || slice.inputs().size() > 4) {
            return false;
        }
        Node shape = uses.producer(slice.inputs().getFirst());
        if (shape == null || !shape.opType().equals("Shape") || !shape.inputs().getFirst().equals(source)
                || shape.intAttr("start", 0) != 0 || shape.hasAttr("end")) {
            return false;
        }
        if (slice.inputs().size() == 4 && !Scalars.near(constants, slice.inputs().get(3), 0)) {
            return false;
        }
        Tensor s = constants.get(slice.inputs().get(1));
        Tensor e = constants.get(slice.inputs().get(2));
        if (s == null || e == null || s.elementCount() != 1 || e.elementCount() != 1) {
            return false;
        }
        long from = s.getLong(0);
        long to = e.getLong(0);
        boolean startOk = start == Long.MIN_VALUE ? from <= Integer.MIN_VALUE || from == 0 : from == start;
        boolean endOk = end == SLICE_TO_END ? to >= Integer.MAX_VALUE : to == end;
        return startOk && endOk;
    }

    /**
     * Whether {@code mask} is torch's causal mask: {@code Where(Trilu(Expand(1, [Sq, Skv])) == 0, −∞, 0)},
     * ones on and below the diagonal kept, its size read from Q's and K's shapes at run time: exactly
     * the mask Attention's {@code is_causal} applies.
     */
    private static boolean isCausalMask(String mask, String q, String k, Uses uses, Map<String, Tensor> constants) {
        Node where = uses.producer(mask);
        if (where == null || !where.opType().equals("Where") || !Scalars.near(constants, where.inputs().get(1), Double.NEGATIVE_INFINITY)
                || !Scalars.near(constants, where.inputs().get(2), 0)) {
            return false;
        }
        Node equal = uses.producer(where.inputs().get(0));
        if (equal == null || !equal.opType().equals("Equal") || !Scalars.near(constants, equal.inputs().get(1), 0)) {
            return false;
        }
        Node trilu = uses.producer(equal.inputs().get(0));
        if (trilu == null || !trilu.opType().equals("Trilu") || trilu.intAttr("upper", 1) != 0
                || (trilu.inputs().size() > 1 && !trilu.inputs().get(1).isEmpty() && !Scalars.near(constants, trilu.inputs().get(1), 0))) {
            return false;
        }
        Node expand = uses.producer(trilu.inputs().getFirst());
        if (expand == null || !expand.opType().equals("Expand") || !Scalars.near(constants, expand.inputs().getFirst(), 1)) {
            return false;
        }
        List<String> size = concatParts(expand.inputs().get(1), uses);
        return size != null && size.size() == 2 && isShapeSlice(size.get(0), q, -2, -1, uses, constants)
                && isShapeSlice(size.get(1), k, -2, -1, uses, constants);
    }

    private static Node privateProducer(String value, Uses uses) {
        return uses.privateTo(value) ? uses.producer(value) : null;
    }
}
