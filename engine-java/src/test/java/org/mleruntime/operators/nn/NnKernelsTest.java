package org.mleruntime.operators.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.operators.OperatorHarness;

/** The neural-network operators through schema, session and kernel, against direct loops written from ONNX's definitions. */
@Tag("kernels")
class NnKernelsTest {
    private static final Random RANDOM = new Random(7);

    private static Tensor random(long... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[(int) s.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextGaussian();
        }
        return Tensors.of(DType.FLOAT32, s, v);
    }

    private static Attribute ints(long... v) {
        return new Attribute.Ints(v);
    }

    /** Conv by its definition: every output a sum over its window, in float64. */
    private static double[] referenceConv(Tensor x, Tensor w, Tensor b, int group, long[] stride, long[] dilation, long[] padBegin, long[] out) {
        long[] xd = x.shape().dims();
        long[] wd = w.shape().dims();
        int r = xd.length - 2;
        long n = xd[0];
        long c = xd[1];
        long m = wd[0];
        long cg = c / group;
        long mg = m / group;
        long outSize = 1;
        long kSize = 1;
        long inSize = 1;
        for (int i = 0; i < r; i++) {
            outSize *= out[i];
            kSize *= wd[2 + i];
            inSize *= xd[2 + i];
        }
        double[] y = new double[(int) (n * m * outSize)];
        for (long img = 0; img < n; img++) {
            for (long map = 0; map < m; map++) {
                long g = map / mg;
                for (long o = 0; o < outSize; o++) {
                    double sum = b == null ? 0 : b.getDouble(map);
                    for (long ch = 0; ch < cg; ch++) {
                        for (long kk = 0; kk < kSize; kk++) {
                            long oRest = o;
                            long kRest = kk;
                            long inIndex = 0;
                            boolean inside = true;
                            for (int a = r - 1; a >= 0; a--) {
                                long oa = oRest % out[a];
                                oRest /= out[a];
                                long ka = kRest % wd[2 + a];
                                kRest /= wd[2 + a];
                                long ia = oa * stride[a] - padBegin[a] + ka * dilation[a];
                                inside &= ia >= 0 && ia < xd[2 + a];
                                long scale = 1;
                                for (int q = a + 1; q < r; q++) {
                                    scale *= xd[2 + q];
                                }
                                inIndex += ia * scale;
                            }
                            if (inside) {
                                double xv = x.getDouble((img * c + g * cg + ch) * inSize + inIndex);
                                double wv = w.getDouble((map * cg + ch) * kSize + kk);
                                sum += xv * wv;
                            }
                        }
                    }
                    y[(int) ((img * m + map) * outSize + o)] = sum;
                }
            }
        }
        return y;
    }

    private static void assertClose(double[] expected, Tensor actual, double tolerance) {
        double[] a = Tensors.toDoubles(actual);
        assertEquals(expected.length, a.length, "elements");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tolerance * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static Tensor conv(MathKernels math, Tensor x, Tensor w, Tensor b, Map<String, Attribute> attributes) {
        Map<String, Tensor> constants = new LinkedHashMap<>();
        constants.put("w", w);
        if (b != null) {
            constants.put("b", b);
        }
        return OperatorHarness.run(math, "Conv", x, constants, attributes);
    }

    @Test
    void convolutionsOfEveryKindMatchTheDefinition() {
        record Case(long[] x, long[] w, int group, long[] stride, long[] dilation, long[] pads, boolean bias) {}
        Case[] cases = {
            new Case(new long[] {2, 3, 9, 8}, new long[] {4, 3, 3, 3}, 1, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1, 1, 1}, true),
            new Case(new long[] {1, 4, 10, 7}, new long[] {6, 2, 3, 2}, 2, new long[] {2, 1}, new long[] {1, 2}, new long[] {0, 1, 2, 0}, false),
            new Case(new long[] {3, 8, 6, 6}, new long[] {8, 1, 3, 3}, 8, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1, 1, 1}, true),
            new Case(new long[] {2, 6, 7, 9}, new long[] {6, 1, 5, 5}, 6, new long[] {1, 1}, new long[] {1, 1}, new long[] {2, 2, 2, 2}, true),
            new Case(new long[] {1, 3, 11, 12}, new long[] {6, 1, 3, 3}, 3, new long[] {2, 3}, new long[] {2, 1}, new long[] {0, 1, 2, 0}, false),
            new Case(new long[] {1, 4, 40, 40}, new long[] {4, 1, 5, 5}, 4, new long[] {2, 2}, new long[] {1, 1}, new long[] {2, 2, 2, 2}, true),
            new Case(new long[] {2, 3, 20}, new long[] {3, 1, 4}, 3, new long[] {3}, new long[] {2}, new long[] {2, 1}, true),
            new Case(new long[] {1, 2, 5, 4, 6}, new long[] {4, 1, 2, 3, 2}, 2, new long[] {2, 1, 2}, new long[] {1, 2, 1}, new long[] {1, 1, 0, 1, 0, 1}, true),
            new Case(new long[] {2, 5, 7, 7}, new long[] {3, 5, 1, 1}, 1, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0, 0, 0}, true),
            new Case(new long[] {2, 3, 20}, new long[] {5, 3, 4}, 1, new long[] {3}, new long[] {2}, new long[] {2, 1}, true),
            new Case(new long[] {1, 2, 5, 4, 6}, new long[] {3, 2, 2, 3, 2}, 1, new long[] {1, 2, 1}, new long[] {2, 1, 1}, new long[] {1, 0, 1, 0, 1, 1}, true),
        };
        for (MathKernels math : OperatorHarness.hotLoops().toList()) {
            for (Case k : cases) {
                Tensor x = random(k.x());
                Tensor w = random(k.w());
                Tensor b = k.bias() ? random(k.w()[0]) : null;
                Map<String, Attribute> attributes = new HashMap<>();
                attributes.put("group", new Attribute.Int(k.group()));
                attributes.put("strides", ints(k.stride()));
                attributes.put("dilations", ints(k.dilation()));
                attributes.put("pads", ints(k.pads()));
                Tensor y = conv(math, x, w, b, attributes);
                int r = k.stride().length;
                long[] begin = Arrays.copyOfRange(k.pads(), 0, r);
                long[] out = Arrays.copyOfRange(y.shape().dims(), 2, 2 + r);
                for (int a = 0; a < r; a++) {
                    long extent = k.dilation()[a] * (k.w()[2 + a] - 1) + 1;
                    assertEquals((k.x()[2 + a] + k.pads()[a] + k.pads()[r + a] - extent) / k.stride()[a] + 1, out[a], "output axis " + a);
                }
                assertClose(referenceConv(x, w, b, k.group(), k.stride(), k.dilation(), begin, out), y, 1e-5);
            }
        }
    }

    @Test
    void samePaddingKeepsTheSizeOverTheStride() {
        Tensor x = random(1, 2, 7, 6);
        Tensor w = random(3, 2, 3, 3);
        for (String mode : new String[] {"SAME_UPPER", "SAME_LOWER"}) {
            Tensor y = conv(OperatorHarness.hotLoops().toList().getLast(), x, w, null,
                    Map.of("auto_pad", new Attribute.Str(mode), "strides", ints(2, 2)));
            assertArrayEquals(new long[] {1, 3, 4, 3}, y.shape().dims());
            // 7 rows at stride 2 need 2 rows of padding (1 before, 1 after); 6 columns need 1, after for SAME_UPPER, before for SAME_LOWER.
            long[] begin = mode.equals("SAME_UPPER") ? new long[] {1, 0} : new long[] {1, 1};
            assertClose(referenceConv(x, w, null, 1, new long[] {2, 2}, new long[] {1, 1}, begin, new long[] {4, 3}), y, 1e-5);
        }
    }

    @Test
    void badConvolutionsAreRefusedNamingTheProblem() {
        Tensor x = random(1, 4, 5, 5);
        InvalidModelException groups = assertThrows(InvalidModelException.class,
                () -> conv(OperatorHarness.hotLoops().toList().getFirst(), x, random(4, 3, 3, 3), null, Map.of("group", new Attribute.Int(3))));
        assertTrue(groups.getMessage().contains("group 3"), groups.getMessage());
        InvalidModelException tooBig = assertThrows(InvalidModelException.class,
                () -> conv(OperatorHarness.hotLoops().toList().getFirst(), x, random(2, 4, 7, 7), null, Map.of()));
        assertTrue(tooBig.getMessage().contains("does not fit"), tooBig.getMessage());
        Tensor doubles = Tensors.of(DType.FLOAT64, Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        assertThrows(InvalidModelException.class,
                () -> OperatorHarness.run("Conv", Map.of(), doubles, Tensors.of(DType.FLOAT64, Shape.of(1, 1, 1, 1), 1)));
    }

    @Test
    void poolingFollowsOnnxIncludingPadsAndCeilMode() {
        Tensor x = Tensors.of(DType.FLOAT32, Shape.of(1, 1, 3, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Tensor max = OperatorHarness.run("MaxPool", Map.of("kernel_shape", ints(2, 2), "strides", ints(2, 2), "ceil_mode", new Attribute.Int(1)), x);
        assertArrayEquals(new double[] {6, 8, 10, 12}, Tensors.toDoubles(max));
        Tensor avg = OperatorHarness.run("AveragePool", Map.of("kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1)), x);
        assertEquals((1 + 2 + 5 + 6) / 4.0, Tensors.toDoubles(avg)[0], 1e-6, "padding not counted");
        Tensor counted = OperatorHarness.run("AveragePool",
                Map.of("kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1), "count_include_pad", new Attribute.Int(1)), x);
        assertEquals((1 + 2 + 5 + 6) / 9.0, Tensors.toDoubles(counted)[0], 1e-6, "padding counted");
        Tensor withNaN = Tensors.of(DType.FLOAT32, Shape.of(1, 1, 1, 3), 1, Double.NaN, 3);
        assertTrue(Double.isNaN(Tensors.toDoubles(OperatorHarness.run("GlobalMaxPool", Map.of(), withNaN))[0]));
        Tensor planes = Tensors.of(DType.FLOAT32, Shape.of(2, 2, 1, 2), 1, 3, 5, 7, -1, -3, 0, 4);
        assertArrayEquals(new double[] {2, 6, -2, 2}, Tensors.toDoubles(OperatorHarness.run("GlobalAveragePool", Map.of(), planes)));
    }

    @Test
    void aHugeWindowCostsWhatTheInputHolds() {
        Tensor x = Tensors.of(DType.FLOAT32, Shape.of(1, 1, 3, 2), 1, 6, 5, 2, 3, 4);
        long half = 500_000_000L;
        Map<String, Attribute> window = Map.of("kernel_shape", ints(2 * half, 1), "pads", ints(half, 0, half, 0));
        Tensor max = OperatorHarness.run("MaxPool", window, x);
        assertArrayEquals(new long[] {1, 1, 4, 2}, max.shape().dims());
        assertArrayEquals(new double[] {5, 6, 5, 6, 5, 6, 5, 6}, Tensors.toDoubles(max), "every window covers all of X");
        Tensor average = OperatorHarness.run("AveragePool", window, x);
        assertEquals(3, Tensors.toDoubles(average)[0], 1e-6);
    }

    @Test
    void normalisationsFollowTheirFormulas() {
        Tensor x = random(3, 2, 4);
        Tensor scale = Tensors.of(DType.FLOAT32, Shape.of(2), 0.5, 2);
        Tensor bias = Tensors.of(DType.FLOAT32, Shape.of(2), 1, -1);
        Tensor mean = Tensors.of(DType.FLOAT32, Shape.of(2), 0.25, -0.5);
        Tensor var = Tensors.of(DType.FLOAT32, Shape.of(2), 4, 0.5);
        Tensor y = OperatorHarness.run("BatchNormalization", Map.of("epsilon", new Attribute.Float(1e-3)), x, scale, bias, mean, var);
        double[] expected = new double[24];
        for (int i = 0; i < 24; i++) {
            int c = i / 4 % 2;
            expected[i] = (x.getDouble(i) - mean.getDouble(c)) / Math.sqrt(var.getDouble(c) + 1e-3) * scale.getDouble(c) + bias.getDouble(c);
        }
        assertClose(expected, y, 1e-6);
        Tensor gamma = random(4);
        Tensor beta = random(4);
        Tensor z = OperatorHarness.run("LayerNormalization", Map.of(), x, gamma, beta);
        for (int row = 0; row < 6; row++) {
            double m = 0;
            for (int e = 0; e < 4; e++) {
                m += x.getDouble(row * 4 + e) / 4;
            }
            double v = 0;
            for (int e = 0; e < 4; e++) {
                v += Math.pow(x.getDouble(row * 4 + e) - m, 2) / 4;
            }
            for (int e = 0; e < 4; e++) {
                expected[row * 4 + e] = (x.getDouble(row * 4 + e) - m) / Math.sqrt(v + 1e-5) * gamma.getDouble(e) + beta.getDouble(e);
            }
        }
        assertClose(expected, z, 1e-5);
    }

    @Test
    void activationsAndErf() {
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(1, 6), -3, -1.5, -0.5, 0, 0.5, 4);
        double[] erf = Tensors.toDoubles(OperatorHarness.run("Erf", Map.of(), x));
        assertArrayEquals(new double[] {-0.9999779095030014, -0.9661051464753108, -0.5204998778130465, 0, 0.5204998778130465, 0.9999999845827421}, erf, 1e-13);
        double[] gelu = Tensors.toDoubles(OperatorHarness.run("Gelu", Map.of(), x));
        assertEquals(0.5 * 0.5 * (1 + 0.38292492254802624), gelu[4], 1e-15); // erf(0.5 / √2)
        double[] tanh = Tensors.toDoubles(OperatorHarness.run("Gelu", Map.of("approximate", new Attribute.Str("tanh")), x));
        assertEquals(0.5 * 4 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (4 + 0.044715 * 64))), tanh[5], 1e-15);
        assertArrayEquals(new double[] {-0.03, -0.015, -0.005, 0, 0.5, 4}, Tensors.toDoubles(OperatorHarness.run("LeakyRelu", Map.of(), x)), 1e-15);
        assertArrayEquals(new double[] {0, -0.375, -0.5 * (-0.5 / 6 + 0.5), 0, 0.5 * (0.5 / 6 + 0.5), 4}, Tensors.toDoubles(OperatorHarness.run("HardSwish", Map.of(), x)), 1e-15);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.5, 0.6, 1}, Tensors.toDoubles(OperatorHarness.run("HardSigmoid", Map.of(), x)), 1e-15);
        assertEquals(Math.log1p(Math.exp(-4)) + 4, Tensors.toDoubles(OperatorHarness.run("Softplus", Map.of(), x))[5], 1e-15);
    }
}
