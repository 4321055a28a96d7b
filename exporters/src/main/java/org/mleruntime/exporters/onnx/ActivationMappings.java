package org.mleruntime.exporters.onnx;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.ValueInfo;

/**
 * ONNX operators with no engine namesake that are a few engine operators in a row, each step
 * computing what ONNX's definition computes: PRelu and Celu from Relu, Exp and arithmetic, and
 * the variadic Sum and Mean. A negative part {@code min(0, t)} is written {@code -Relu(-t)},
 * exact in floating point.
 */
final class ActivationMappings {
    private ActivationMappings() {}

    /** PRelu: LeakyRelu with the slope an input, broadcast against x. */
    static void pRelu(OnnxNode n, GraphTranslation g) {
        Steps s = new Steps(n, g);
        String negativePart = s.op("Relu", s.op("Neg", n.input(0)));
        s.last("Sub", s.op("Relu", n.input(0)), s.op("Mul", negativePart, n.input(1)));
    }

    /** Celu: max(0, x) + min(0, alpha·(exp(x / alpha) − 1)). */
    static void celu(OnnxNode n, GraphTranslation g) {
        Steps s = new Steps(n, g);
        float alpha = n.floatAttr("alpha", 1f);
        String scaled = s.op("Div", n.input(0), s.scalar("alpha", alpha));
        s.last("Sub", s.op("Relu", n.input(0)), s.op("Relu", s.op("Neg", exponential(s, scaled, alpha))));
    }

    /** alpha·(exp(x) − 1). */
    private static String exponential(Steps s, String x, float alpha) {
        return s.op("Mul", s.op("Sub", s.op("Exp", x), s.scalar("one", 1)), s.scalar("alpha", alpha));
    }

    /** HardSigmoid: max(0, min(1, alpha·x + beta)). */
    static void hardSigmoid(OnnxNode n, GraphTranslation g) {
        Steps s = new Steps(n, g);
        s.last("Clip", hardSigmoid(s, n.input(0), n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f)), s.scalar("zero", 0), s.scalar("one", 1));
    }

    private static String hardSigmoid(Steps s, String x, float alpha, float beta) {
        return s.op("Add", s.op("Mul", x, s.scalar("alpha", alpha)), s.scalar("beta", beta));
    }

    /** Sum and Mean of any number of inputs, broadcast: added left to right, Mean then divided by their count. */
    static void sumOrMean(OnnxNode n, GraphTranslation g) {
        Steps s = new Steps(n, g);
        List<String> in = n.inputs();
        if (in.size() == 1) {
            s.last("Identity", in.getFirst());
            return;
        }
        String total = in.getFirst();
        for (int i = 1; i < in.size() - 1; i++) {
            total = s.op("Add", total, in.get(i));
        }
        if (n.opType().equals("Mean")) {
            s.last("Div", s.op("Add", total, in.getLast()), s.scalar("count", in.size()));
        } else {
            s.last("Add", total, in.getLast());
        }
    }

    /** The nodes of one composite: intermediate steps under fresh names, the last writing the ONNX node's output. */
    private static final class Steps {
        private final OnnxNode node;
        private final GraphTranslation graph;
        private final DType dtype;

        Steps(OnnxNode node, GraphTranslation graph) {
            this.node = node;
            this.graph = graph;
            ValueInfo x = graph.type(node, node.input(0));
            this.dtype = x.dtype();
        }

        String op(String op, String... in) {
            return graph.emit(node, op, List.of(in), null);
        }

        String last(String op, String... in) {
            return graph.emit(node, op, List.of(in), ElementwiseMappings.output(node));
        }

        /** A rank-0 constant of the input's dtype. */
        String scalar(String hint, double value) {
            return graph.constant(node.name() + "_" + hint, ConstantTensors.scalar(dtype, value));
        }
    }
}
