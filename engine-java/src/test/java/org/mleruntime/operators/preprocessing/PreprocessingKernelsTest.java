package org.mleruntime.operators.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.operators.OperatorHarness;

/**
 * The preprocessing operators (columns, encoders, missing values, scaling, expansions), each run
 * as a one-node graph through a session ({@link OperatorHarness}), against values worked out by hand
 * or with numpy/scipy.
 */
@Tag("kernels")
class PreprocessingKernelsTest {
    static Stream<MathKernels> implementations() {
        return OperatorHarness.hotLoops();
    }

    private static Tensor run(String op, Tensor x, Map<String, Tensor> constants, Map<String, Attribute> attributes) {
        return OperatorHarness.run(MathKernelsProvider.selected(), op, x, constants, attributes);
    }

    private static Tensor matrix(int cols, double... values) {
        return Tensors.of(DType.FLOAT64, Shape.of(values.length / cols, cols), values);
    }

    private static Tensor vector(DType t, double... values) {
        return Tensors.of(t, Shape.of(values.length), values);
    }

    private static Map<String, Tensor> constants(Object... pairs) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Tensor) pairs[i + 1]);
        }
        return m;
    }

    private static Attribute ints(long... v) {
        return new Attribute.Ints(v);
    }

    private static Attribute floats(double... v) {
        return new Attribute.Floats(v);
    }

    private static Attribute strs(String... v) {
        return new Attribute.Strs(List.of(v));
    }

    private static Attribute str(String v) {
        return new Attribute.Str(v);
    }

    @Test
    void gatherColumnsCopiesRunsOfNumbersAndStrings() {
        Tensor x = matrix(4, 1, 2, 3, 4, 5, 6, 7, 8);
        assertArrayEquals(new double[] {2, 3, 1, 4, 6, 7, 5, 8},
                Tensors.toDoubles(run("GatherColumns", x, Map.of(), Map.of("indices", ints(1, 2, 0, 3)))));
        Tensor s = Tensors.strings(Shape.of(2, 3), "a", "b", null, "d", "e", "f");
        assertArrayEquals(new String[] {null, "a", "f", "d"},
                Tensors.toStrings(run("GatherColumns", s, Map.of(), Map.of("indices", ints(2, 0)))));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> run("GatherColumns", x, Map.of(), Map.of("indices", ints(4))));
        assertTrue(e.getMessage().contains("outside the input's 4 columns"), e.getMessage());
    }

    private static Map<String, Tensor> stringCategories() {
        // Column 0: "a", "b", missing (placeholder ""); column 1: "x", "y". Codes: width 2.
        return constants("keys", Tensors.strings(Shape.of(5), "a", "b", "", "x", "y"),
                "codes", vector(DType.FLOAT64, 0, 10, 1, 11, 2, 12, 0, 20, 1, 21),
                "offsets", vector(DType.INT64, 0, 3, 5));
    }

    @Test
    void categoryMapLooksUpStringsWithMissingAndUnknownCodes() {
        Tensor x = Tensors.strings(Shape.of(3, 2), "b", "y", null, "x", "zz", null);
        Map<String, Attribute> attributes = Map.of("width", new Attribute.Int(2), "missing_keys", ints(2, -1),
                "on_unknown", str("code"), "unknown_codes", floats(-1, -10, -2, -20));
        assertArrayEquals(new double[] {1, 11, 1, 21, 2, 12, 0, 20, -1, -10, -2, -20},
                Tensors.toDoubles(run("CategoryMap", x, stringCategories(), attributes)));
    }

    @Test
    void categoryMapUnknownValueErrorNamesTheColumnAndTheValue() {
        Tensor x = Tensors.strings(Shape.of(1, 2), "a", "Atlantis");
        Map<String, Attribute> attributes = Map.of("width", new Attribute.Int(2), "missing_keys", ints(2, -1),
                "column_names", strs("column 'colour'", "column 'city'"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("CategoryMap", x, stringCategories(), attributes));
        assertTrue(e.getMessage().contains("column 'city' has the category 'Atlantis'") && e.getMessage().contains("'x', 'y'"),
                e.getMessage());
        Tensor missing = Tensors.strings(Shape.of(1, 2), "a", null);
        e = assertThrows(InvalidInputException.class, () -> run("CategoryMap", missing, stringCategories(), attributes));
        assertTrue(e.getMessage().contains("column 'city' has a missing value"), e.getMessage());
    }

    @Test
    void categoryMapTellsNaNAndNoneApart() {
        // Column 0 knows "a", NaN (key 1) and None (key 2); column 1 knows "x" only.
        Map<String, Tensor> c = constants("keys", Tensors.strings(Shape.of(4), "a", "", "", "x"), "codes", vector(DType.FLOAT64, 0, 1, 2, 0),
                "offsets", vector(DType.INT64, 0, 3, 4));
        Map<String, Attribute> attributes = Map.of("missing_keys", ints(1, -1), "none_keys", ints(2, -1), "on_unknown", str("code"),
                "unknown_codes", floats(-1, -1));
        Tensor x = Tensors.strings(Shape.of(3, 2), null, Tensor.NONE, Tensor.NONE, null, "a", "x");
        assertArrayEquals(new double[] {1, -1, 2, -1, 0, 0}, Tensors.toDoubles(run("CategoryMap", x, c, attributes)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run("CategoryMap", Tensors.strings(Shape.of(1, 2), "a", Tensor.NONE), c, Map.of("missing_keys", ints(1, -1),
                        "none_keys", ints(2, -1), "column_names", strs("column 'a'", "column 'b'"))));
        assertTrue(e.getMessage().contains("column 'b' has a missing value (None)"), e.getMessage());
    }

    @Test
    void categoryMapMatchesNumbersWithSignedZeroAndNaN() {
        Map<String, Tensor> c = constants("keys", vector(DType.FLOAT64, 3, 0, Double.NaN), "codes", vector(DType.FLOAT64, 0, 1, 2),
                "offsets", vector(DType.INT64, 0, 3));
        Tensor x = matrix(1, -0.0, 3, Double.NaN, 4);
        Map<String, Attribute> attributes = Map.of("missing_keys", ints(2), "on_unknown", str("code"), "unknown_codes", floats(Double.NaN));
        double[] y = Tensors.toDoubles(run("CategoryMap", x, c, attributes));
        assertArrayEquals(new double[] {1, 0, 2, Double.NaN}, y);
    }

    @Test
    void categoryMapRefusesDuplicateCategories() {
        Map<String, Tensor> c = constants("keys", Tensors.strings(Shape.of(2), "a", "a"), "codes", vector(DType.FLOAT64, 0, 1),
                "offsets", vector(DType.INT64, 0, 2));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> run("CategoryMap", Tensors.strings(Shape.of(1, 1), "a"), c, Map.of()));
        assertTrue(e.getMessage().contains("'a' twice"), e.getMessage());
    }

    @Test
    void oneHotSetsOneColumnPerFeatureAndNoneForNegativeCodes() {
        Tensor codes = matrix(2, 2, 0, -1, 1, 0, Double.NaN);
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0},
                Tensors.toDoubles(run("OneHot", codes, Map.of(), Map.of("sizes", ints(3, 2)))));
        assertThrows(InvalidInputException.class, () -> run("OneHot", matrix(2, 3, 0), Map.of(), Map.of("sizes", ints(3, 2))));
    }

    @Test
    void bucketizeIsSearchsortedRight() {
        Map<String, Tensor> c = constants("edges", vector(DType.FLOAT64, 1, 2, 2, 5), "offsets", vector(DType.INT64, 0, 3, 4));
        Tensor x = matrix(2, 0.5, 5, 1, 4.9, 2, 6, 3, -1);
        assertArrayEquals(new double[] {0, 1, 1, 0, 3, 1, 3, 0}, Tensors.toDoubles(run("Bucketize", x, c, Map.of())));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run("Bucketize", matrix(2, 1, Double.NaN), c, Map.of("column_names", strs("column 'a'", "column 'b'"))));
        assertTrue(e.getMessage().contains("column 'b'"), e.getMessage());
    }

    @Test
    void imputeFillsNaNOrAGivenValueAndNullStrings() {
        Map<String, Tensor> fill = constants("fill", vector(DType.FLOAT64, 10, 20));
        assertArrayEquals(new double[] {10, 2, 3, 20}, Tensors.toDoubles(run("Impute", matrix(2, Double.NaN, 2, 3, Double.NaN), fill, Map.of())));
        assertArrayEquals(new double[] {10, Double.NaN, 3, 20},
                Tensors.toDoubles(run("Impute", matrix(2, -1, Double.NaN, 3, -1), fill, Map.of("missing_value", new Attribute.Float(-1)))));
        Map<String, Tensor> words = constants("fill", Tensors.strings(Shape.of(2), "?", "none"));
        assertArrayEquals(new String[] {"?", "b", "c", "none"},
                Tensors.toStrings(run("Impute", Tensors.strings(Shape.of(2, 2), null, "b", "c", null), words, Map.of())));
        assertArrayEquals(new String[] {"?", "b", null, "none"},
                Tensors.toStrings(run("Impute", Tensors.strings(Shape.of(2, 2), "", "b", null, ""), words, Map.of("missing_string", str("")))));
    }

    @Test
    void isMissingPicksColumnsAndRefusesNewMissingValues() {
        Tensor x = matrix(3, Double.NaN, 1, 2, 3, Double.NaN, 5);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, Tensors.toDoubles(run("IsMissing", x, Map.of(), Map.of())));
        assertArrayEquals(new double[] {1, 0}, Tensors.toDoubles(run("IsMissing", x, Map.of(), Map.of("columns", ints(0)))));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("IsMissing", x, Map.of(),
                Map.of("columns", ints(0), "error_on_other", new Attribute.Int(1), "column_names", strs("a", "b", "c"))));
        assertTrue(e.getMessage().startsWith("b has a missing value"), e.getMessage());
        Tensor s = Tensors.strings(Shape.of(2, 1), null, "x");
        assertArrayEquals(new double[] {1, 0}, Tensors.toDoubles(run("IsMissing", s, Map.of(), Map.of())));
    }

    @Test
    void requireFinitePassesFiniteRowsAndNamesWhatItRefuses() {
        Tensor finite = matrix(2, 1, 2, 3, 4);
        assertArrayEquals(new double[] {1, 2, 3, 4}, Tensors.toDoubles(run("RequireFinite", finite, Map.of(), Map.of())));
        Tensor holes = matrix(2, 1, Double.NaN, 3, 4, Double.POSITIVE_INFINITY, 6);
        InvalidInputException nan = assertThrows(InvalidInputException.class, () -> run("RequireFinite", holes, Map.of(),
                Map.of("model", str("LogisticRegression"), "column_names", strs("column 'a'", "column 'b'"))));
        assertTrue(nan.getMessage().contains("NaN and infinity (in column 'b', column 'a'; 2 values in all)")
                && nan.getMessage().contains("LogisticRegression refuses"), nan.getMessage());
        InvalidInputException infinity = assertThrows(InvalidInputException.class, () -> run("RequireFinite", holes, Map.of(),
                Map.of("allow_nan", new Attribute.Int(1))));
        assertTrue(infinity.getMessage().startsWith("input contains infinity (in column 0; 1 value in all)"), infinity.getMessage());
        Tensor nanOnly = matrix(1, Double.NaN, 2);
        assertArrayEquals(new double[] {Double.NaN, 2}, Tensors.toDoubles(run("RequireFinite", nanOnly, Map.of(), Map.of("allow_nan", new Attribute.Int(1)))));
        Tensor narrow = Tensors.of(DType.FLOAT32, Shape.of(1, 2), 1, Double.NEGATIVE_INFINITY);
        assertThrows(InvalidInputException.class, () -> run("RequireFinite", narrow, Map.of(), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void clipWithScalarOrPerColumnBounds(MathKernels math) {
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 7 == 0 ? Double.NaN : (i - 100) / 40.0;
        }
        Tensor x = matrix(100, values);
        Tensor y = OperatorHarness.run(math, "Clip", x, constants("low", vector(DType.FLOAT64, 0), "high", vector(DType.FLOAT64, 1)), Map.of());
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.isNaN(values[i]) ? Double.NaN : Math.min(Math.max(values[i], 0), 1), y.getDouble(i), 0.0);
        }
        Tensor perColumn = OperatorHarness.run(math, "Clip", matrix(2, -5, 5, 0.5, 0.5),
                constants("low", vector(DType.FLOAT64, -1, 0), "high", vector(DType.FLOAT64, 0, 1)), Map.of());
        assertArrayEquals(new double[] {-1, 1, 0, 0.5}, Tensors.toDoubles(perColumn));
    }

    @Test
    void mathFunctions() {
        Tensor x = matrix(3, 0.5, 1e-10, 4);
        assertArrayEquals(new double[] {Math.log1p(0.5), 1e-10 - 5e-21, Math.log1p(4)}, Tensors.toDoubles(run("Log1p", x, Map.of(), Map.of())), 1e-25);
        assertArrayEquals(new double[] {Math.expm1(0.5), Math.expm1(1e-10), Math.expm1(4)}, Tensors.toDoubles(run("Expm1", x, Map.of(), Map.of())));
        assertArrayEquals(new double[] {Math.sqrt(0.5), 1e-5, 2}, Tensors.toDoubles(run("Sqrt", x, Map.of(), Map.of())));
    }

    @Test
    void normalizerDividesByTheNormAndLeavesZeroRows() {
        Tensor x = matrix(2, 3, -4, 0, 0);
        assertArrayEquals(new double[] {0.6, -0.8, 0, 0}, Tensors.toDoubles(run("Normalizer", x, Map.of(), Map.of("norm", str("l2")))));
        assertArrayEquals(new double[] {3 / 7.0, -4 / 7.0, 0, 0}, Tensors.toDoubles(run("Normalizer", x, Map.of(), Map.of("norm", str("l1")))));
        assertArrayEquals(new double[] {0.75, -1, 0, 0}, Tensors.toDoubles(run("Normalizer", x, Map.of(), Map.of("norm", str("max")))));
    }

    @Test
    void powerTransformsAsScipy() {
        // Reference values from scipy.stats.yeojohnson and scipy.special.boxcox.
        Tensor x = matrix(2, 2.5, -1.5, 0.0, 3.0);
        Map<String, Tensor> lambdas = constants("lambdas", vector(DType.FLOAT64, 0.5, 2.0));
        double[] yj = Tensors.toDoubles(run("PowerTransform", x, lambdas, Map.of("method", str("yeo-johnson"))));
        assertArrayEquals(new double[] {1.7416573867739416, -0.9162907318741551, 0.0, 7.499999999999999}, yj, 1e-15);
        Tensor positive = matrix(2, 2.5, 0.5, 1.0, 3.0);
        double[] bc = Tensors.toDoubles(run("PowerTransform", positive, constants("lambdas", vector(DType.FLOAT64, 0.0, -1.5)),
                Map.of("method", str("box-cox"))));
        assertArrayEquals(new double[] {Math.log(2.5), -1.21895141649746, 0.0, 0.5383666068467498}, bc, 1e-15);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run("PowerTransform", x,
                lambdas, Map.of("method", str("box-cox"))));
        assertTrue(e.getMessage().contains("strictly positive"), e.getMessage());
    }

    @Test
    void normalQuantileAgreesWithScipy() {
        // scipy.stats.norm.ppf at these probabilities.
        double[] p = {1e-300, 1e-7, 0.001, 0.02, 0.1, 0.3, 0.5, 0.5000001, 0.7, 0.975, 1 - 1e-7};
        double[] expected = {-37.0470962993612, -5.1993375821928165, -3.090232306167813, -2.053748910631823, -1.2815515655446004,
                -0.5244005127080409, 0.0, 2.506628273311648e-07, 0.5244005127080407, 1.959963984540054, 5.199337582290661};
        for (int i = 0; i < p.length; i++) {
            assertEquals(expected[i], NormalQuantile.ppf(p[i]), 1e-14 * Math.abs(expected[i]) + 1e-22, "ppf(" + p[i] + ")");
        }
        assertEquals(Double.NEGATIVE_INFINITY, NormalQuantile.ppf(0));
        assertEquals(Double.POSITIVE_INFINITY, NormalQuantile.ppf(1));
        assertTrue(Double.isNaN(NormalQuantile.ppf(Double.NaN)));
    }

    @Test
    void quantileTransformInterpolatesBothWaysAndSetsBounds() {
        // quantiles with a repeated value: the mean of the ascending and descending interpolation.
        Map<String, Tensor> c = constants("quantiles", Tensors.of(DType.FLOAT64, Shape.of(4, 1), 0, 1, 1, 3),
                "references", vector(DType.FLOAT64, 0, 1 / 3.0, 2 / 3.0, 1));
        double[] y = Tensors.toDoubles(run("QuantileTransform", matrix(1, -1, 0, 0.5, 1, 2, 3, 4, Double.NaN), c, Map.of()));
        assertArrayEquals(new double[] {0, 0, 0.16666666666666666, 0.5, 0.8333333333333333, 1, 1, Double.NaN}, y, 1e-15);
        Map<String, Attribute> normal = Map.of("output", str("normal"), "clip_min", new Attribute.Float(-5.199337582605575),
                "clip_max", new Attribute.Float(5.19933758270342));
        double[] z = Tensors.toDoubles(run("QuantileTransform", matrix(1, -1, 0.5, 1, 3), c, normal));
        assertArrayEquals(new double[] {-5.199337582605575, -0.967421566101701, 0.0, 5.19933758270342}, z, 1e-14);
    }

    @Test
    void numpyInterpEdgeCases() {
        double[] xp = {0, 1, 1, 2};
        double[] fp = {0, 10, 20, 30};
        assertEquals(20, QuantileTransformKernel.interp(1, xp, fp));
        assertEquals(25, QuantileTransformKernel.interp(1.5, xp, fp));
        assertEquals(30, QuantileTransformKernel.interp(2, xp, fp));
        assertEquals(0, QuantileTransformKernel.interp(-3, xp, fp));
        assertEquals(7, QuantileTransformKernel.interp(9, new double[] {4}, new double[] {7}));
    }

    @Test
    void monomialsFormProductsInTheGivenOrder() {
        // bias, x0, x1, x0·x0, x0·x1, x1·x1 (each product built on the previous term), outputs skip x1.
        Map<String, Attribute> attributes = Map.of("factors", ints(-1, 0, 1, 0, 0, 1), "previous", ints(-1, -1, -1, 1, 2, 2),
                "keep", ints(0, 1, 3, 4, 5));
        assertArrayEquals(new double[] {1, 2, 4, 6, 9, 1, -1, 1, -0.5, 0.25},
                Tensors.toDoubles(run("Monomials", matrix(2, 2, 3, -1, 0.5), Map.of(), attributes)));
        assertThrows(InvalidModelException.class, () -> run("Monomials", matrix(2, 1, 1), Map.of(),
                Map.of("factors", ints(0), "previous", ints(0), "keep", ints(0))));
    }

    /** Linear B-splines (hats) on knots 0..4 with one boundary knot repeated: their values are by hand. */
    private static Map<String, Tensor> hats(boolean bounded) {
        Map<String, Tensor> c = constants("knots", Tensors.of(DType.FLOAT64, Shape.of(1, 6), -1, 0, 1, 2, 3, 4),
                "coefficients", Tensors.of(DType.FLOAT64, Shape.of(4, 4), 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
        if (bounded) {
            c.put("value_low", Tensors.of(DType.FLOAT64, Shape.of(1, 4), 1, 0, 0, 0));
            c.put("value_high", Tensors.of(DType.FLOAT64, Shape.of(1, 4), 0, 0, 0, 1));
            c.put("slope_low", Tensors.of(DType.FLOAT64, Shape.of(1, 4), -1, 1, 0, 0));
            c.put("slope_high", Tensors.of(DType.FLOAT64, Shape.of(1, 4), 0, 0, -1, 1));
        }
        return c;
    }

    @Test
    void splineBasisEvaluatesAndExtrapolates() {
        Map<String, Attribute> cont = Map.of("degree", new Attribute.Int(1), "extrapolation", str("continue"), "missing", str("zeros"));
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0, 0, 0.25, 0.75, 0, 0, 0, 0},
                Tensors.toDoubles(run("SplineBasis", matrix(1, 0.5, 2.75, Double.NaN), hats(false), cont)), 1e-15);
        Map<String, Attribute> linear = Map.of("degree", new Attribute.Int(1), "extrapolation", str("linear"),
                "boundary_counts", ints(2));
        assertArrayEquals(new double[] {1.5, -0.5, 0, 0, 0, 0, -1, 2},
                Tensors.toDoubles(run("SplineBasis", matrix(1, -0.5, 4), hats(true), linear)), 1e-15);
        Map<String, Attribute> constant = Map.of("degree", new Attribute.Int(1), "extrapolation", str("constant"),
                "boundary_counts", ints(1));
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 1},
                Tensors.toDoubles(run("SplineBasis", matrix(1, -0.5, 4), hats(true), constant)), 1e-15);
        Map<String, Attribute> error = Map.of("degree", new Attribute.Int(1), "extrapolation", str("error"));
        assertThrows(InvalidInputException.class, () -> run("SplineBasis", matrix(1, 3.5), hats(false), error));
        Map<String, Attribute> periodic = Map.of("degree", new Attribute.Int(1), "extrapolation", str("periodic"));
        assertArrayEquals(Tensors.toDoubles(run("SplineBasis", matrix(1, 0.5), hats(false), periodic)),
                Tensors.toDoubles(run("SplineBasis", matrix(1, 3.5), hats(false), periodic)), 1e-15);
    }
}
