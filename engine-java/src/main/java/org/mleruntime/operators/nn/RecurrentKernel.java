package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.DerivedConstants;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.SplitGemm;

/**
 * LSTM, GRU and RNN cells over a sequence, one direction after the other. The input projection of
 * every step (X·Wᵀ plus both biases) is one matrix product for the whole sequence; each step then
 * adds H·Rᵀ, a product of the batch's states, and applies the gates. A batch entry whose
 * sequence_lens ends early keeps its last state and gets zeros in Y after it, as ONNX says.
 */
final class RecurrentKernel implements Kernel {
    private final Node node;
    private final FloatGemm gemm;
    private final int gates;
    private final int hidden;
    private final boolean batchFirst;
    private final boolean linearBeforeReset;
    private final float clip;
    private final Activation[] activations;
    private final MathKernels math;
    /**
     * Each direction's Rᵀ [hidden × gates·hidden], laid out once when R is a constant and packed for
     * the GEMM (a large batch's H·Rᵀ reads the packed slivers, a small one streams Rᵀ's rows from
     * outside the heap, where the vector kernels read it).
     */
    private final FloatGemm.PackedMatrix[] transposedR;

    RecurrentKernel(Node node, MathKernels math, Tensor constantR) {
        this.node = node;
        this.math = math;
        this.gemm = math.floatGemm();
        this.gates = RecurrentSchema.gates(node.opType());
        this.hidden = Math.toIntExact(node.intAttr("hidden_size", 0));
        this.batchFirst = node.intAttr("layout", 0) != 0;
        this.linearBeforeReset = node.intAttr("linear_before_reset", 0) != 0;
        this.clip = (float) node.floatAttr("clip", Double.POSITIVE_INFINITY);
        this.activations = activations(node);
        int dirs = RecurrentSchema.directions(node);
        this.transposedR = constantR == null ? null
                : DerivedConstants.of(constantR, new TransposedR(gemm, gates, hidden), r -> transpose(gemm, r, dirs, gates * hidden, hidden));
    }

    /** What the transposed form of a recurrent matrix depends on. */
    private record TransposedR(FloatGemm gemm, int gates, int hidden) {}

    private static FloatGemm.PackedMatrix[] transpose(FloatGemm gemm, Tensor r, int dirs, int rows, int cols) {
        FloatGemm.PackedMatrix[] out = new FloatGemm.PackedMatrix[dirs];
        float[] row = new float[cols];
        float[] transposed = new float[rows * cols];
        for (int d = 0; d < dirs; d++) {
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(r.data(), F32, ((long) d * rows + i) * cols * Float.BYTES, row, 0, cols);
                for (int j = 0; j < cols; j++) {
                    transposed[j * rows + i] = row[j];
                }
            }
            MemorySegment stored = Arena.ofAuto().allocate((long) transposed.length * Float.BYTES, 64);
            MemorySegment.copy(transposed, 0, stored, F32, 0, transposed.length);
            out[d] = gemm.packRight(false, cols, rows, stored, 0, rows);
        }
        return out;
    }

    /**
     * One of the cell's activation functions (lower-case name), applied to a run of floats: Sigmoid
     * and Tanh by the hot loops, to float precision, the others value by value.
     */
    private record Activation(String name, DoubleUnaryOperator f) {
        void apply(MathKernels math, float[] x, int from, int n) {
            switch (name) {
                case "sigmoid" -> math.sigmoid(x, from, n);
                case "tanh" -> math.tanh(x, from, n);
                default -> {
                    for (int i = from; i < from + n; i++) {
                        x[i] = (float) f.applyAsDouble(x[i]);
                    }
                }
            }
        }
    }

    /** The cell's activation functions per direction (f, g, h for LSTM; f, g for GRU; f for RNN), ONNX's defaults when not given. */
    private static Activation[] activations(Node node) {
        List<String> defaults = switch (node.opType()) {
            case "LSTM" -> List.of("Sigmoid", "Tanh", "Tanh");
            case "GRU" -> List.of("Sigmoid", "Tanh");
            default -> List.of("Tanh");
        };
        int dirs = RecurrentSchema.directions(node);
        List<String> names = node.stringsAttr("activations", defaults);
        if (names.size() == defaults.size() && dirs == 2) {
            names = Stream.concat(names.stream(), names.stream()).toList();
        }
        if (names.size() != defaults.size() * dirs) {
            throw new InvalidModelException("node '" + node.name() + "' (" + node.opType() + ") needs " + defaults.size() * dirs
                    + " activations, found " + names);
        }
        double[] alphas = node.floatsAttr("activation_alpha", new double[0]);
        double[] betas = node.floatsAttr("activation_beta", new double[0]);
        Activation[] out = new Activation[names.size()];
        for (int i = 0; i < out.length; i++) {
            double alpha = i < alphas.length ? alphas[i] : Double.NaN;
            double beta = i < betas.length ? betas[i] : Double.NaN;
            String name = names.get(i).toLowerCase(Locale.ROOT);
            out[i] = new Activation(name, activation(node, name, alpha, beta));
        }
        return out;
    }

    private static DoubleUnaryOperator activation(Node node, String name, double alpha, double beta) {
        return switch (name) {
            case "sigmoid" -> x -> 1 / (1 + Math.exp(-x));
            case "tanh" -> Math::tanh;
            case "relu" -> x -> Math.max(x, 0);
            case "leakyrelu" -> x -> x < 0 ? (Double.isNaN(alpha) ? 0.01 : alpha) * x : x;
            case "thresholdedrelu" -> x -> x > (Double.isNaN(alpha) ? 1 : alpha) ? x : 0;
            case "hardsigmoid" -> x -> Math.max(0, Math.min(1, (Double.isNaN(alpha) ? 0.2 : alpha) * x + (Double.isNaN(beta) ? 0.5 : beta)));
            case "elu" -> x -> x < 0 ? (Double.isNaN(alpha) ? 1 : alpha) * Math.expm1(x) : x;
            case "softsign" -> x -> x / (1 + Math.abs(x));
            case "softplus" -> x -> Math.log1p(Math.exp(x));
            case "affine" -> x -> (Double.isNaN(alpha) ? 1 : alpha) * x + (Double.isNaN(beta) ? 0 : beta);
            case "scaledtanh" -> x -> (Double.isNaN(alpha) ? 1 : alpha) * Math.tanh((Double.isNaN(beta) ? 1 : beta) * x);
            default -> throw new InvalidModelException("node '" + node.name() + "' (" + node.opType() + ") uses activation '" + name
                    + "', which is not supported");
        };
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        int seq = Math.toIntExact(x.shape().dim(batchFirst ? 1 : 0));
        int batch = Math.toIntExact(x.shape().dim(batchFirst ? 0 : 1));
        int inputs = Math.toIntExact(x.shape().dim(2));
        int dirs = RecurrentSchema.directions(node);
        boolean reverseOnly = node.stringAttr("direction", "forward").equals("reverse");
        int gh = gates * hidden;
        float[] steps = timeMajor(x, seq, batch, inputs);
        int[] lengths = lengths(in.length > 4 ? in[4] : null, batch, seq);
        float[] projected = new float[seq * batch * gh];
        float[] recurrent = new float[batch * gh];
        float[] h = new float[batch * hidden];
        float[] c = new float[batch * hidden];
        float[] y = new float[seq * dirs * batch * hidden];
        float[] lastH = new float[dirs * batch * hidden];
        float[] lastC = new float[dirs * batch * hidden];
        float[] gateValues = new float[gh];
        MemorySegment stepsSegment = MemorySegment.ofArray(steps);
        MemorySegment projectedSegment = MemorySegment.ofArray(projected);
        for (int d = 0; d < dirs; d++) {
            boolean reverse = reverseOnly || d == 1;
            Tensor bias = in.length > 3 ? in[3] : null;
            if (bias != null) {
                fillBiases(projected, bias, d, seq * batch, gh);
            }
            SplitGemm.sgemm(gemm, false, true, seq * batch, gh, inputs, stepsSegment, 0, inputs, in[1].data(), (long) d * gh * inputs, inputs,
                    bias != null, projectedSegment, 0, gh);
            initial(in.length > 5 ? in[5] : null, d, batch, h);
            initial(gates == 4 && in.length > 6 ? in[6] : null, d, batch, c);
            float[] peepholes = gates == 4 && in.length > 7 && in[7] != null ? slice(in[7], (long) d * 3 * hidden, 3 * hidden) : null;
            float[] recurrentBias = bias != null ? slice(bias, (long) d * 2 * gh + gh, gh) : new float[gh];
            Activation[] fs = Arrays.copyOfRange(activations, d * activations.length / dirs, (d + 1) * activations.length / dirs);
            // When every sequence runs the full length, a step's projected rows are contiguous for the whole batch:
            // H·Rᵀ is added to them in the product itself, and the cell works on them in place.
            boolean inPlace = transposedR != null && gates != 3 && peepholes == null && Arrays.stream(lengths).allMatch(length -> length == seq);
            for (int step = 0; step < seq; step++) {
                if (inPlace) {
                    int t = reverse ? seq - 1 - step : step;
                    SplitGemm.sgemm(gemm, false, batch, MemorySegment.ofArray(h), 0, hidden, transposedR[d], true, projectedSegment, (long) t * batch * gh, gh);
                    for (int b = 0; b < batch; b++) {
                        cellInPlace(projected, (t * batch + b) * gh, h, c, b * hidden, fs);
                        System.arraycopy(h, b * hidden, y, ((t * dirs + d) * batch + b) * hidden, hidden);
                    }
                    continue;
                }
                if (transposedR != null) {
                    SplitGemm.sgemm(gemm, false, batch, MemorySegment.ofArray(h), 0, hidden, transposedR[d], false, MemorySegment.ofArray(recurrent), 0, gh);
                } else {
                    SplitGemm.sgemm(gemm, false, true, batch, gh, hidden, MemorySegment.ofArray(h), 0, hidden, in[2].data(), (long) d * gh * hidden, hidden,
                            false, MemorySegment.ofArray(recurrent), 0, gh);
                }
                if (gates == 3 && !linearBeforeReset) {
                    resetProducts(projected, recurrent, h, lengths, reverse, step, batch, in[2], d, fs[0].f());
                }
                for (int b = 0; b < batch; b++) {
                    if (step >= lengths[b]) {
                        continue;
                    }
                    int t = reverse ? lengths[b] - 1 - step : step;
                    cell(projected, (t * batch + b) * gh, recurrent, b * gh, recurrentBias, h, c, b * hidden, peepholes, fs, gateValues);
                    System.arraycopy(h, b * hidden, y, ((t * dirs + d) * batch + b) * hidden, hidden);
                }
            }
            System.arraycopy(h, 0, lastH, d * batch * hidden, batch * hidden);
            System.arraycopy(c, 0, lastC, d * batch * hidden, batch * hidden);
        }
        write(out, 0, y, seq, dirs, batch, true);
        write(out, 1, lastH, 1, dirs, batch, false);
        write(out, 2, lastC, 1, dirs, batch, false);
    }

    /**
     * One LSTM (no peepholes) or RNN cell step for batch entry at {@code state}, on pre-activations
     * that already hold H·Rᵀ: activations over whole runs of gates (LSTM's i, o and f at once), then
     * the new H (and C).
     */
    private void cellInPlace(float[] gate, int p, float[] h, float[] c, int state, Activation[] fs) {
        int n = hidden;
        if (clip != Float.POSITIVE_INFINITY) {
            for (int j = p; j < p + gates * n; j++) {
                gate[j] = clip(gate[j]);
            }
        }
        if (gates == 1) {
            System.arraycopy(gate, p, h, state, n);
            fs[0].apply(math, h, state, n);
            System.arraycopy(h, state, c, state, n);
            return;
        }
        fs[0].apply(math, gate, p, 3 * n);
        fs[1].apply(math, gate, p + 3 * n, n);
        for (int j = 0; j < n; j++) {
            float cNew = gate[p + 2 * n + j] * c[state + j] + gate[p + j] * gate[p + 3 * n + j];
            c[state + j] = cNew;
            h[state + j] = cNew;
        }
        fs[2].apply(math, h, state, n);
        for (int j = 0; j < n; j++) {
            h[state + j] *= gate[p + n + j];
        }
    }

    /**
     * One cell step for batch entry at {@code state}: the gates from the projection and H·Rᵀ into
     * {@code gate}, each gate's activation over the whole run of them, then the new H (and C).
     */
    private void cell(float[] projected, int p, float[] recurrent, int r, float[] recurrentBias, float[] h, float[] c, int state,
                      float[] peepholes, Activation[] fs, float[] gate) {
        int n = hidden;
        switch (gates) {
            case 4 -> {
                for (int j = 0; j < n; j++) {
                    float cPrev = c[state + j];
                    gate[j] = clip(projected[p + j] + recurrent[r + j] + (peepholes == null ? 0 : peepholes[j] * cPrev));
                    gate[2 * n + j] = clip(projected[p + 2 * n + j] + recurrent[r + 2 * n + j] + (peepholes == null ? 0 : peepholes[2 * n + j] * cPrev));
                    gate[3 * n + j] = clip(projected[p + 3 * n + j] + recurrent[r + 3 * n + j]);
                }
                fs[0].apply(math, gate, 0, n);
                fs[0].apply(math, gate, 2 * n, n);
                fs[1].apply(math, gate, 3 * n, n);
                for (int j = 0; j < n; j++) {
                    float cNew = gate[2 * n + j] * c[state + j] + gate[j] * gate[3 * n + j];
                    c[state + j] = cNew;
                    h[state + j] = cNew;
                    gate[n + j] = clip(projected[p + n + j] + recurrent[r + n + j] + (peepholes == null ? 0 : peepholes[n + j] * cNew));
                }
                fs[0].apply(math, gate, n, n);
                fs[2].apply(math, h, state, n);
                for (int j = 0; j < n; j++) {
                    h[state + j] *= gate[n + j];
                }
            }
            case 3 -> {
                for (int j = 0; j < 2 * n; j++) {
                    gate[j] = clip(projected[p + j] + recurrent[r + j]);
                }
                fs[0].apply(math, gate, 0, 2 * n);
                for (int j = 0; j < n; j++) {
                    // GRU's candidate: the reset gate times H·Rₕᵀ + Rbₕ, or (r ⊙ H)·Rₕᵀ + Rbₕ, which resetProducts left in H·Rₕᵀ's place.
                    float candidate = linearBeforeReset
                            ? projected[p + 2 * n + j] + gate[n + j] * (recurrent[r + 2 * n + j] + recurrentBias[2 * n + j])
                            : projected[p + 2 * n + j] + recurrent[r + 2 * n + j] + recurrentBias[2 * n + j];
                    gate[2 * n + j] = clip(candidate);
                }
                fs[1].apply(math, gate, 2 * n, n);
                for (int j = 0; j < n; j++) {
                    float z = gate[j];
                    c[state + j] = (1 - z) * gate[2 * n + j] + z * h[state + j];
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    c[state + j] = clip(projected[p + j] + recurrent[r + j]);
                }
                fs[0].apply(math, c, state, n);
            }
        }
        if (gates != 4) {
            System.arraycopy(c, state, h, state, n);
        }
    }

    /**
     * GRU without linear_before_reset: replaces the Rₕ part of {@code recurrent} by (r ⊙ H)·Rₕᵀ, the
     * reset gate r of each active batch entry computed from its projection and H·Rᵣᵀ first.
     */
    private void resetProducts(float[] projected, float[] recurrent, float[] h, int[] lengths, boolean reverse, int step, int batch,
                               Tensor weights, int d, DoubleUnaryOperator f) {
        int n = hidden;
        int gh = gates * n;
        float[] resetHidden = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            if (step >= lengths[b]) {
                continue;
            }
            int t = reverse ? lengths[b] - 1 - step : step;
            int p = (t * batch + b) * gh;
            for (int j = 0; j < n; j++) {
                float reset = (float) f.applyAsDouble(clip(projected[p + n + j] + recurrent[b * gh + n + j]));
                resetHidden[b * n + j] = reset * h[b * n + j];
            }
        }
        gemm.sgemm(false, true, batch, n, n, MemorySegment.ofArray(resetHidden), 0, n, weights.data(), (long) d * gh * n + 2L * n * n, n,
                false, MemorySegment.ofArray(recurrent), 2L * n, gh);
    }

    private float clip(float v) {
        return Math.max(-clip, Math.min(clip, v));
    }

    /** X as [seq, batch, input], copied out of the tensor (and out of batch-first order). */
    private float[] timeMajor(Tensor x, int seq, int batch, int inputs) {
        float[] steps = new float[seq * batch * inputs];
        for (int t = 0; t < seq; t++) {
            for (int b = 0; b < batch; b++) {
                long from = batchFirst ? ((long) b * seq + t) * inputs : ((long) t * batch + b) * inputs;
                MemorySegment.copy(x.data(), F32, from * Float.BYTES, steps, (t * batch + b) * inputs, inputs);
            }
        }
        return steps;
    }

    private static int[] lengths(Tensor lens, int batch, int seq) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            long len = lens == null ? seq : lens.getLong(b);
            if (len < 0 || len > seq) {
                throw new InvalidInputException("sequence_lens[" + b + "] is " + len + ", outside 0.." + seq);
            }
            lengths[b] = (int) len;
        }
        return lengths;
    }

    /** Fills every projected step with Wb + Rb of direction d, which the input product then adds to. */
    private void fillBiases(float[] projected, Tensor bias, int d, int rows, int gh) {
        float[] wb = slice(bias, (long) d * 2 * gh, gh);
        float[] rb = slice(bias, (long) d * 2 * gh + gh, gh);
        float[] row = new float[gh];
        for (int j = 0; j < gh; j++) {
            // GRU keeps Rbₕ apart: the cell adds it to the recurrent product, inside the reset gate or beside it.
            boolean apart = gates == 3 && j >= 2 * hidden;
            row[j] = wb[j] + (apart ? 0 : rb[j]);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, projected, r * gh, gh);
        }
    }

    private static float[] slice(Tensor t, long from, int count) {
        float[] v = new float[count];
        MemorySegment.copy(t.data(), F32, from * Float.BYTES, v, 0, count);
        return v;
    }

    private void initial(Tensor state, int d, int batch, float[] into) {
        if (state == null) {
            Arrays.fill(into, 0f);
            return;
        }
        for (int b = 0; b < batch; b++) {
            long from = batchFirst ? ((long) b * RecurrentSchema.directions(node) + d) * hidden : ((long) d * batch + b) * hidden;
            MemorySegment.copy(state.data(), F32, from * Float.BYTES, into, b * hidden, hidden);
        }
    }

    /** Output {@code index} from [steps, dirs, batch, hidden] values, reordered batch-first for layout 1. */
    private void write(Tensor[] out, int index, float[] values, int steps, int dirs, int batch, boolean sequence) {
        if (out.length <= index || out[index] == null) {
            return;
        }
        MemorySegment to = out[index].data();
        for (int t = 0; t < steps; t++) {
            for (int d = 0; d < dirs; d++) {
                for (int b = 0; b < batch; b++) {
                    int from = ((t * dirs + d) * batch + b) * hidden;
                    long at = !batchFirst ? from : sequence ? (((long) b * steps + t) * dirs + d) * hidden : ((long) b * dirs + d) * hidden;
                    MemorySegment.copy(values, from, to, F32, at * Float.BYTES, hidden);
                }
            }
        }
    }
}
