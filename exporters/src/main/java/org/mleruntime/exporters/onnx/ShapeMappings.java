package org.mleruntime.exporters.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * Operators that move no numbers or only rearrange them: Constant (a value of the graph),
 * Identity and Dropout (inference: the input unchanged), Reshape and Flatten (the engine's
 * Reshape, its target resolved here against the known shape, the batch dimension kept first),
 * and Concat.
 */
final class ShapeMappings {
    private ShapeMappings() {}

    static void constant(OnnxNode n, GraphTranslation g) {
        Tensor value = n.tensorAttr("value");
        if (value == null) {
            value = fromScalarAttributes(n);
        }
        g.defineConstant(ElementwiseMappings.output(n), value);
    }

    /** The value of a Constant node given by value_float, value_floats, value_int or value_ints (operator set 12 on). */
    private static Tensor fromScalarAttributes(OnnxNode n) {
        return switch (n.attributes().get("value_float")) {
            case OnnxAttribute.Float f -> Tensors.of(DType.FLOAT32, Shape.of(), f.value());
            case null -> switch (n.attributes().get("value_floats")) {
                case OnnxAttribute.Floats f -> {
                    double[] values = new double[f.values().length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = f.values()[i];
                    }
                    yield Tensors.of(DType.FLOAT32, Shape.of(values.length), values);
                }
                case null -> {
                    if (n.attributes().containsKey("value_int")) {
                        yield Tensors.of(DType.INT64, Shape.of(), n.intAttr("value_int", 0));
                    }
                    long[] ints = n.intsAttr("value_ints");
                    if (ints == null) {
                        throw n.error("gives its value as " + n.attributes().keySet()
                                + "; the importer reads value, value_float, value_floats, value_int and value_ints");
                    }
                    yield Tensors.of(DType.INT64, Shape.of(ints.length), Arrays.stream(ints).asDoubleStream().toArray());
                }
                default -> throw n.error("attribute value_floats must be floats");
            };
            default -> throw n.error("attribute value_float must be a float");
        };
    }

    /** Identity, and Dropout at inference: the input unchanged. Dropout's mask and training mode are refused. */
    static void identity(OnnxNode n, GraphTranslation g) {
        if (n.opType().equals("Dropout") && !n.input(2).isEmpty()) {
            Tensor training = g.constant(n.input(2));
            if (training == null || training.getLong(0) != 0) {
                throw n.error("training_mode must be a constant false; the engine runs inference only");
            }
        }
        g.emit(n, "Identity", List.of(n.input(0)), ElementwiseMappings.output(n));
    }

    /** Reshape with a constant target shape (an input since operator set 5). */
    static void reshape(OnnxNode n, GraphTranslation g) {
        Tensor target = g.constant(n.input(1));
        if (target == null) {
            throw n.error("its shape '" + n.input(1) + "' is computed by the graph; the importer needs a constant shape");
        }
        if (target.shape().rank() != 1 || (target.dtype() != DType.INT64 && target.dtype() != DType.INT32)) {
            throw n.error("its shape must be a rank-1 int64 tensor, found " + target.dtype().label() + target.shape());
        }
        ValueInfo x = g.type(n, n.input(0));
        long[] to = resolve(n, x.shape(), ConstantTensors.longs(target), n.intAttr("allowzero", 0) != 0);
        emitReshape(n, g, n.input(0), to, ElementwiseMappings.output(n));
    }

    /** Flatten: [d0 … d(axis−1), d(axis) …] to a matrix; with a batch, the batch must stay the first dimension alone. */
    static void flatten(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        int rank = x.shape().rank();
        long axis = n.intAttr("axis", 1);
        if (axis < -rank || axis > rank) {
            throw n.error("axis " + axis + " is out of range for rank " + rank);
        }
        int a = (int) (axis < 0 ? axis + rank : axis);
        long[] to = new long[] {leading(x.shape(), a), 1};
        for (int i = a; i < rank; i++) {
            to[1] = Math.multiplyExact(to[1], x.shape().dim(i));
        }
        if (to[0] == Shape.BATCH || !x.shape().isBatched()) {
            emitReshape(n, g, n.input(0), to, ElementwiseMappings.output(n));
            return;
        }
        throw n.error("flattening " + x.shape() + " at axis " + axis + " would merge the batch dimension with others");
    }

    /** The product of the first {@code axis} dimensions; the batch when they are the batch and ones, −2 when the batch merges with more. */
    private static long leading(Shape s, int axis) {
        long product = 1;
        for (int i = 0; i < axis; i++) {
            if (s.dim(i) == Shape.BATCH) {
                product = -product;
            } else {
                product = Math.multiplyExact(product, s.dim(i));
            }
        }
        return s.isBatched() && axis > 0 ? (product == -1 ? Shape.BATCH : -2) : product;
    }

    static void emitReshape(OnnxNode n, GraphTranslation g, String input, long[] to, String output) {
        g.emit(n, "Reshape", List.of(input), Map.of("shape", new Attribute.Ints(to)), output);
    }

    /**
     * ONNX's target shape resolved against the input's shape: 0 copies the input's dimension
     * (unless allowzero), −1 takes what is left. An input with a batch keeps it as the first
     * dimension, written 0 or −1 in the target.
     */
    static long[] resolve(OnnxNode n, Shape from, long[] target, boolean allowZero) {
        long[] to = target.clone();
        boolean batch = false;
        int infer = -1;
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (infer >= 0) {
                    throw n.error("shape " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (to[i] == 0 && !allowZero) {
                if (i >= from.rank()) {
                    throw n.error("shape " + Arrays.toString(target) + " copies dimension " + i + " of " + from + ", which has none");
                }
                to[i] = from.dim(i);
                batch |= to[i] == Shape.BATCH;
            } else if (to[i] < 0) {
                throw n.error("shape " + Arrays.toString(target) + " has the dimension " + to[i]);
            }
        }
        long elements = from.isBatched() ? from.elementsPerRow() : from.elementCount();
        if (from.isBatched()) {
            if (batch) {
                to[0] = 1;
            } else if (infer == 0) {
                infer = -1;
                to[0] = 1;
            } else {
                throw movesBatch(n, from, target);
            }
        }
        long known = 1;
        for (int i = 0; i < to.length; i++) {
            if (i != infer) {
                known = Math.multiplyExact(known, to[i]);
            }
        }
        if (infer >= 0 && known != 0 && elements % known == 0) {
            to[infer] = elements / known;
        } else if (infer >= 0 || known != elements) {
            throw from.isBatched() ? movesBatch(n, from, target) : n.error("cannot reshape " + from + " to " + Arrays.toString(target));
        }
        if (from.isBatched()) {
            to[0] = Shape.BATCH;
        }
        return to;
    }

    private static RuntimeException movesBatch(OnnxNode n, Shape from, long[] target) {
        return n.error("reshaping " + from + " to " + Arrays.toString(target) + " would move the batch dimension; the target must keep it "
                + "first, as 0 or -1, with the other dimensions holding the " + from.elementsPerRow() + " values of a row");
    }

    /** Squeeze: drops the listed axes of size 1, or every fixed axis of size 1 when none are listed (the batch stays). */
    static void squeeze(OnnxNode n, GraphTranslation g) {
        Shape x = g.type(n, n.input(0)).shape();
        long[] axes = AxisMappings.axes(n, g, 13);
        boolean[] drop = new boolean[x.rank()];
        for (int i = 0; i < x.rank(); i++) {
            drop[i] = axes == null && x.dim(i) == 1;
        }
        for (long a : axes == null ? new long[0] : axes) {
            int i = n.axis(a, x.rank());
            if (x.dim(i) != 1) {
                throw n.error("cannot squeeze axis " + a + " of " + x + ", which is not of size 1");
            }
            drop[i] = true;
        }
        long[] to = new long[x.rank()];
        int kept = 0;
        for (int i = 0; i < x.rank(); i++) {
            if (!drop[i]) {
                to[kept++] = x.dim(i);
            }
        }
        emitReshape(n, g, n.input(0), Arrays.copyOf(to, kept), ElementwiseMappings.output(n));
    }

    /** Unsqueeze: inserts axes of size 1 at the listed positions of the output; not before the batch. */
    static void unsqueeze(OnnxNode n, GraphTranslation g) {
        Shape x = g.type(n, n.input(0)).shape();
        long[] axes = AxisMappings.axes(n, g, 13);
        if (axes == null) {
            throw n.error("needs axes");
        }
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int i = n.axis(a, rank);
            if (inserted[i]) {
                throw n.error("lists axis " + a + " twice");
            }
            inserted[i] = true;
        }
        if (inserted[0] && x.isBatched()) {
            throw n.error("an axis inserted at 0 would move the batch dimension of " + x);
        }
        long[] to = new long[rank];
        for (int i = 0, from = 0; i < rank; i++) {
            to[i] = inserted[i] ? 1 : x.dim(from++);
        }
        emitReshape(n, g, n.input(0), to, ElementwiseMappings.output(n));
    }

    static void concat(OnnxNode n, GraphTranslation g) {
        if (!n.attributes().containsKey("axis")) {
            throw n.error("needs attribute 'axis'");
        }
        g.emit(n, "Concat", n.inputs(), Map.of("axis", new Attribute.Int(n.intAttr("axis", 0))), ElementwiseMappings.output(n));
    }
}
