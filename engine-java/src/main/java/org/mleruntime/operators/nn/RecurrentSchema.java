package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.sameSize;

import java.util.ArrayList;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * LSTM, GRU and RNN with ONNX's inputs, attributes and outputs (opset 14 and earlier meanings):
 * X [seq, batch, input] (or [batch, seq, input] with {@code layout = 1}), W, R, optional B,
 * sequence_lens, initial_h (and for LSTM initial_c and P); outputs Y [seq, dirs, batch, hidden]
 * (layout 1: [batch, seq, dirs, hidden]), Y_h and (LSTM) Y_c [dirs, batch, hidden] (layout 1:
 * [batch, dirs, hidden]), any of them left out with an empty name.
 */
final class RecurrentSchema {
    private RecurrentSchema() {}

    /** Gates per cell: LSTM's i, o, f, c; GRU's z, r, h; RNN's one. */
    static int gates(String op) {
        return switch (op) {
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> 1;
        };
    }

    static int directions(Node n) {
        return switch (n.stringAttr("direction", "forward")) {
            case "forward", "reverse" -> 1;
            case "bidirectional" -> 2;
            default -> throw error(n, "direction must be forward, reverse or bidirectional, found '" + n.stringAttr("direction", "") + "'");
        };
    }

    static List<ValueInfo> recurrent(Node n, List<ValueInfo> in, List<Tensor> c) {
        boolean lstm = n.opType().equals("LSTM");
        arity(n, in, 3, lstm ? 8 : 6, 0, lstm ? 3 : 2);
        for (int i = 0; i < in.size(); i++) {
            ValueInfo v = in.get(i);
            if (i != 4 && v != null && v.dtype() != DType.FLOAT32) {
                throw error(n, "computes in float32; input '" + v.name() + "' is " + v.dtype().label());
            }
        }
        if (!n.hasAttr("hidden_size")) {
            throw error(n, "hidden_size is required");
        }
        long hidden = n.intAttr("hidden_size", 0);
        int dirs = directions(n);
        int g = gates(n.opType());
        boolean batchFirst = n.intAttr("layout", 0) != 0;
        if (lstm && n.intAttr("input_forget", 0) != 0) {
            throw error(n, "input_forget is not supported");
        }
        Shape x = in.get(0).shape();
        if (x.rank() != 3) {
            throw error(n, "X must be [seq, batch, input], found " + x);
        }
        expect(n, in.get(1), new long[] {dirs, g * hidden, x.dim(2)}, "W");
        expect(n, in.get(2), new long[] {dirs, g * hidden, hidden}, "R");
        if (in.size() > 3 && in.get(3) != null) {
            expect(n, in.get(3), new long[] {dirs, 2 * g * hidden}, "B");
        }
        if (in.size() > 4 && in.get(4) != null) {
            ValueInfo lens = in.get(4);
            if (lens.dtype() != DType.INT32 && lens.dtype() != DType.INT64 || lens.shape().rank() != 1) {
                throw error(n, "sequence_lens must be int32 [batch], found " + lens.dtype().label() + lens.shape());
            }
        }
        int seqAxis = batchFirst ? 1 : 0;
        int batchAxis = batchFirst ? 0 : 1;
        long seq = x.dim(seqAxis);
        long batch = x.dim(batchAxis);
        String seqName = x.symbol(seqAxis);
        String batchName = x.symbol(batchAxis);
        for (int i = 5; i < Math.min(in.size(), lstm ? 7 : 6); i++) {
            if (in.get(i) != null) {
                Shape s = in.get(i).shape();
                if (s.rank() != 3) {
                    throw error(n, "initial states must be [dirs, batch, hidden], found " + s);
                }
                sameSize(n, s.dim(batchFirst ? 1 : 0), batchFirst ? batch : dirs, "an initial state's " + (batchFirst ? "batch" : "directions"));
                sameSize(n, s.dim(2), hidden, "an initial state's hidden size");
            }
        }
        if (lstm && in.size() > 7 && in.get(7) != null) {
            expect(n, in.get(7), new long[] {dirs, 3 * hidden}, "P");
        }
        List<ValueInfo> out = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            Shape s = i == 0
                    ? batchFirst ? new Shape(new long[] {batch, seq, dirs, hidden}, new String[] {batchName, seqName, null, null})
                            : new Shape(new long[] {seq, dirs, batch, hidden}, new String[] {seqName, null, batchName, null})
                    : batchFirst ? new Shape(new long[] {batch, dirs, hidden}, new String[] {batchName, null, null})
                            : new Shape(new long[] {dirs, batch, hidden}, new String[] {null, batchName, null});
            out.add(new ValueInfo(n.outputs().get(i), DType.FLOAT32, s));
        }
        return out;
    }

    private static void expect(Node n, ValueInfo v, long[] dims, String what) {
        Shape s = v.shape();
        if (s.rank() != dims.length) {
            throw error(n, what + " must be of rank " + dims.length + ", found " + s);
        }
        for (int i = 0; i < dims.length; i++) {
            sameSize(n, s.dim(i), dims[i], what + " axis " + i + " of " + s);
        }
    }
}
