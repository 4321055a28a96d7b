package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.required;
import static org.mleruntime.ops.ShapeRules.sameSize;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Attention (ONNX opset 23) without a key/value cache: float32 Q [B, Hq, Sq, D], K [B, Hkv, Skv, D]
 * and V [B, Hkv, Skv, Dv] with Hq a multiple of Hkv (or the 3-D [B, S, heads·size] layout with
 * {@code q_num_heads} and {@code kv_num_heads}); an optional attn_mask, bool (true attends) or
 * float32 (added), broadcasting to [B, Hq, Sq, L] with L ≤ Skv (keys beyond L are masked);
 * {@code scale} (default 1/√D), {@code is_causal}, {@code softcap}. One output, Y [B, Hq, Sq, Dv]
 * (or [B, Sq, Hq·Dv]). Beyond ONNX, a batch of 1 in Q, K or V broadcasts against the others', as
 * MatMul's would. {@link AttentionKernel} checks the same sizes again on every run.
 */
final class AttentionSchema {
    private AttentionSchema() {}

    /** The sizes of one attention: batch, heads, sequence lengths and head sizes. */
    record Dims(long batch, long qHeads, long kvHeads, long qLength, long kvLength, long headSize, long valueSize) {}

    static List<ValueInfo> attention(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 6);
        for (int i = 4; i < in.size(); i++) {
            if (in.get(i) != null) {
                throw error(n, "past_key, past_value and nonpad_kv_seqlen (a key/value cache) are not supported");
            }
        }
        if (n.intAttr("qk_matmul_output_mode", 0) != 0) {
            throw error(n, "only qk_matmul_output_mode 0 is supported");
        }
        ValueInfo q = required(n, in.get(0));
        for (ValueInfo v : in.subList(0, 3)) {
            if (required(n, v).dtype() != DType.FLOAT32) {
                throw error(n, "Q, K and V must be float32, found '" + v.name() + "' " + v.dtype().label());
            }
        }
        Dims d = dims(n, q.shape(), in.get(1).shape(), in.get(2).shape());
        ValueInfo mask = in.size() > 3 ? in.get(3) : null;
        if (mask != null) {
            maskFits(n, mask, d);
        }
        Shape v = in.get(2).shape();
        Shape widest = q.shape().dim(0) != 1 ? q.shape() : in.get(1).shape().dim(0) != 1 ? in.get(1).shape() : v;
        Shape batched = withDim(q.shape(), 0, widest.dim(0), widest.symbol(0));
        Shape y = q.shape().rank() == 4 ? withDim(batched, 3, v.dim(3), v.symbol(3))
                : withDim(batched, 2, d.valueSize() == Shape.BATCH ? Shape.BATCH : d.qHeads() * d.valueSize(), Shape.UNKNOWN);
        return List.of(out(n, DType.FLOAT32, y));
    }

    /** The sizes Q, K and V of these shapes describe, or an error where they disagree (symbolic sizes are checked by the kernel). */
    static Dims dims(Node n, Shape q, Shape k, Shape v) {
        int rank = q.rank();
        if ((rank != 3 && rank != 4) || k.rank() != rank || v.rank() != rank) {
            throw error(n, "Q, K and V must all be 4-D [B, H, S, size] or all 3-D [B, S, H·size], found " + q + ", " + k + ", " + v);
        }
        long batch = batch(n, q.dim(0), batch(n, k.dim(0), v.dim(0)));
        if (rank == 4) {
            if (n.hasAttr("q_num_heads") || n.hasAttr("kv_num_heads")) {
                throw error(n, "q_num_heads and kv_num_heads are for 3-D inputs only");
            }
            sameSize(n, q.dim(3), k.dim(3), "Q and K head size");
            sameSize(n, k.dim(1), v.dim(1), "K and V heads");
            sameSize(n, k.dim(2), v.dim(2), "K and V sequence length");
            if (q.dim(1) != Shape.BATCH && k.dim(1) != Shape.BATCH && (k.dim(1) == 0 || q.dim(1) % k.dim(1) != 0)) {
                throw error(n, "Q's " + q.dim(1) + " heads must be a multiple of K's " + k.dim(1));
            }
            return new Dims(batch, q.dim(1), k.dim(1), q.dim(2), k.dim(2), q.dim(3), v.dim(3));
        }
        long qHeads = n.intAttr("q_num_heads", 0);
        long kvHeads = n.intAttr("kv_num_heads", 0);
        if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads != 0) {
            throw error(n, "3-D inputs need q_num_heads and kv_num_heads, positive, the first a multiple of the second");
        }
        sameSize(n, k.dim(1), v.dim(1), "K and V sequence length");
        long qSize = split(n, q.dim(2), qHeads, "Q");
        long kSize = split(n, k.dim(2), kvHeads, "K");
        sameSize(n, qSize, kSize, "Q and K head size");
        return new Dims(batch, qHeads, kvHeads, q.dim(1), k.dim(1), qSize, split(n, v.dim(2), kvHeads, "V"));
    }

    /** The batch of two inputs whose batches are equal or one of them 1, as MatMul broadcasts them (an extension of ONNX's rule of equal batches). */
    private static long batch(Node n, long a, long b) {
        if (a == 1 || b == 1) {
            return a == 1 ? b : a;
        }
        sameSize(n, a, b, "Q, K and V batch");
        return a == Shape.BATCH ? b : a;
    }

    private static long split(Node n, long hidden, long heads, String what) {
        if (hidden == Shape.BATCH) {
            return Shape.BATCH;
        }
        if (hidden % heads != 0) {
            throw error(n, what + "'s hidden size " + hidden + " is not a multiple of its " + heads + " heads");
        }
        return hidden / heads;
    }

    private static void maskFits(Node n, ValueInfo mask, Dims d) {
        if (mask.dtype() != DType.BOOL && mask.dtype() != DType.FLOAT32) {
            throw error(n, "attn_mask must be bool or float32, found " + mask.dtype().label());
        }
        Shape m = mask.shape();
        long[] target = {d.batch(), d.qHeads(), d.qLength(), d.kvLength()};
        if (m.rank() > 4 || m.rank() == 0) {
            throw error(n, "attn_mask must have rank 1 to 4, found " + m);
        }
        for (int i = 1; i <= m.rank(); i++) {
            long size = m.dim(m.rank() - i);
            long wanted = target[4 - i];
            boolean fits = i == 1 ? size == Shape.BATCH || wanted == Shape.BATCH || size <= wanted
                    : size == 1 || size == Shape.BATCH || wanted == Shape.BATCH || size == wanted;
            if (!fits) {
                throw error(n, "attn_mask " + m + " does not broadcast to [batch, heads, " + d.qLength() + ", " + d.kvLength() + "]");
            }
        }
    }

    private static Shape withDim(Shape s, int axis, long size, String symbol) {
        long[] dims = s.dims();
        String[] names = s.symbols();
        dims[axis] = size;
        names[axis] = size == Shape.BATCH ? symbol : null;
        return new Shape(dims, names);
    }
}
