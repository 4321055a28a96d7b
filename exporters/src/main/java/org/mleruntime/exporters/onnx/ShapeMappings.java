package org.mleruntime.exporters.onnx;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/** Constant (a value of the graph) and Dropout at inference (its input unchanged, an Identity). */
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

}
