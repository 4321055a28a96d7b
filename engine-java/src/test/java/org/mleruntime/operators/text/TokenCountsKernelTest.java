package org.mleruntime.operators.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.OperatorHarness;

/**
 * TokenCounts and HashedTokenCounts against scikit-learn 1.9's CountVectorizer and
 * HashingVectorizer on the same documents (the expected rows are their transform's, the hashes
 * sklearn.utils.murmurhash3_32's), and the token patterns they refuse.
 */
@Tag("kernels")
class TokenCountsKernelTest {
    private static double[] counts(Map<String, Attribute> attributes, String[] vocabulary, String... documents) {
        Tensor x = Tensors.strings(Shape.of(documents.length), documents);
        return Tensors.toDoubles(OperatorHarness.run("TokenCounts", attributes, x, Tensors.strings(Shape.of(vocabulary.length), vocabulary)));
    }

    @Test
    void countsWordsAsPythonFindsThemWithTheDefaultPattern() {
        String[] vocabulary = {"42", "cafe", "café_x", "cat", "naïve", "sat", "the"};
        // A combining accent is not a word character in Python (it is in Java's Unicode \w): "cafe\u0301s" gives "cafe".
        assertArrayEquals(new double[] {0, 0, 0, 2, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0},
                counts(Map.of(), vocabulary, "The cat sat; the CAT!", "a b", "naïve café_x 42", "cafe\u0301s"));
    }

    @Test
    void stripsAccentsAfterLowercasingWithTheFinalSigma() {
        assertArrayEquals(new double[] {1, 1, 1},
                counts(Map.of("strip_accents", new Attribute.Str("unicode")), new String[] {"cu", "si", "οδος"}, "Ĉu ŝi? ΟΔΟΣ"));
    }

    @Test
    void countsCharacterNgramsByCodePointWithinPaddedWords() {
        String[] vocabulary = {" ", " a", " b", "a", "a😀", "b", "b ", "😀", "😀 "};
        assertArrayEquals(new double[] {4, 1, 1, 1, 1, 1, 1, 1, 1}, counts(Map.of("analyzer", new Attribute.Str("char_wb"),
                "ngram_max", new Attribute.Int(2)), vocabulary, "a😀  b"));
    }

    @Test
    void dropsStopWordsBeforeJoiningWordNgrams() {
        String[] vocabulary = {"cat", "cat on", "mat", "on", "on the", "the", "the cat", "the mat"};
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 2, 1, 1}, counts(Map.of("ngram_max", new Attribute.Int(2),
                "stop_words", new Attribute.Strs(List.of("sat"))), vocabulary, "the cat sat on the mat"));
        assertArrayEquals(new double[] {1, 0, 1, 1, 1, 1, 1, 1}, counts(Map.of("ngram_max", new Attribute.Int(2),
                "binary", new Attribute.Int(1)), vocabulary, "the cat sat on the mat"));
    }

    @Test
    void refusesAMissingDocument() {
        assertThrows(InvalidInputException.class, () -> counts(Map.of(), new String[] {"a"}, "ok", null));
        assertThrows(InvalidInputException.class, () -> counts(Map.of(), new String[] {"a"}, Tensor.NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\A\\w+", "(?i)\\w+", "(?=a)\\w", "[[a]]", "[a&&b]", "(a)(b)", "\\p{L}+", "(\\w)\\1", "a{x", "[\\W]", "\\B\\w", "\\w*", "\\b(?:x|\\w?)$"})
    void refusesPatternsWhoseMeaningWasNotVerified(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> TokenPattern.of(pattern));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> counts(Map.of("token_pattern", new Attribute.Str(pattern)), new String[] {"a"}, "a"));
        assertTrue(e.getMessage().contains("token pattern"), e.getMessage());
    }

    @Test
    void translatesPythonRepetitionsAndCaptureGroups() {
        assertArrayEquals(new double[] {1, 1}, counts(Map.of("token_pattern", new Attribute.Str("(?u)(\\w{,2})\\w+")),
                new String[] {"ab", "xy"}, "abc xyz"));
    }

    @Test
    void acceptsDocumentsAsOneColumn() {
        Tensor x = Tensors.strings(Shape.of(2, 1), "b a b", "");
        assertArrayEquals(new double[] {1, 2, 0, 0}, Tensors.toDoubles(OperatorHarness.run("TokenCounts",
                Map.of("token_pattern", new Attribute.Str("\\w")), x, Tensors.strings(Shape.of(2), "a", "b"))));
    }

    @Test
    void hashesAsScikitLearnsMurmurHash3() {
        String[] keys = {"hello", "", "a", "ab", "abc", "abcd", "café", "😀 x"};
        int[] hashes = {613153351, 0, 1009084850, -1681926305, -1277324294, 1139631978, 605818632, 227745445};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(hashes[i], DocumentTerms.murmurhash3(keys[i].getBytes(StandardCharsets.UTF_8)), keys[i]);
        }
    }

    @Test
    void countsHashedTermsWithAlternatingSignsOrAsPresent() {
        Tensor x = Tensors.strings(Shape.of(2), "the cat sat the", "b😀 ÉTÉ");
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 0, -2, 1, 0, 0, 0, 0, 0, 0, 0, 1},
                Tensors.toDoubles(OperatorHarness.run("HashedTokenCounts", Map.of("n_features", new Attribute.Int(8)), x)));
        assertArrayEquals(new double[] {1, 1, 1, 1, 0, 1, 1, 1}, Tensors.toDoubles(OperatorHarness.run("HashedTokenCounts",
                Map.of("n_features", new Attribute.Int(8), "binary", new Attribute.Int(1), "analyzer", new Attribute.Str("char"),
                        "ngram_max", new Attribute.Int(2)), Tensors.strings(Shape.of(1), "the cat sat the"))));
    }

    @Test
    void refusesAttributesOutsideTheOperatorsDefinition() {
        String[] vocabulary = {"a"};
        for (Map<String, Attribute> attributes : List.of(Map.<String, Attribute>of("analyzer", new Attribute.Str("sentence")),
                Map.<String, Attribute>of("strip_accents", new Attribute.Str("latin")),
                Map.<String, Attribute>of("ngram_min", new Attribute.Int(3), "ngram_max", new Attribute.Int(2)))) {
            assertThrows(InvalidModelException.class, () -> counts(attributes, vocabulary, "a"), attributes.toString());
        }
        assertThrows(InvalidModelException.class, () -> counts(Map.of(), new String[] {"a", "a"}, "a"));
        for (long width : new long[] {0, (1L << 24) + 1, Integer.MAX_VALUE}) {
            assertThrows(InvalidModelException.class, () -> OperatorHarness.run("HashedTokenCounts", Map.of("n_features", new Attribute.Int(width)),
                    Tensors.strings(Shape.of(1), "a")), "n_features " + width);
        }
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("HashedTokenCounts", Map.of("n_features", new Attribute.Int(4)),
                Tensors.of(DType.FLOAT64, Shape.of(1), 1.0)));
    }

    private static final double[] IDF = {1.2876820724517808, 1.2876820724517808, 1.6931471805599454, 1.6931471805599454};
    private static final String[] ANIMALS = {"the cat sat on the mat the end", "a dog", "cat cat dog"};

    private static double[] weighted(Map<String, Attribute> attributes) {
        return Tensors.toDoubles(OperatorHarness.run("TokenCounts", attributes, Tensors.strings(Shape.of(3), ANIMALS),
                Tensors.strings(Shape.of(4), "cat", "dog", "mat", "the"), Tensors.of(DType.FLOAT64, Shape.of(4), IDF)));
    }

    @Test
    void weighsAsTfidfTransformerOnItsSparseRows() {
        // Expected rows: scikit-learn 1.9's TfidfTransformer (fitted idf_ as IDF) on CountVectorizer's counts of ANIMALS.
        assertArrayEquals(new double[] {0.31093523191037725, 0.0, 0.4088424639192312, 0.858001818910247, 0.0, 1.0, 0.0, 0.0,
                0.8610369959439763, 0.5085423203783267, 0.0, 0.0},
                weighted(Map.of("sublinear_tf", new Attribute.Int(1), "norm", new Attribute.Str("l2"))), 1e-15);
        assertArrayEquals(new double[] {0.15975667632653723, 0.0, 0.21006083091836572, 0.6301824927550972, 0.0, 1.0, 0.0, 0.0,
                0.6666666666666666, 0.3333333333333333, 0.0, 0.0}, weighted(Map.of("norm", new Attribute.Str("l1"))), 1e-15);
        assertArrayEquals(new double[] {1.2876820724517808, 0.0, 1.6931471805599454, 5.079441541679836, 0.0, 1.2876820724517808, 0.0,
                0.0, 2.5753641449035616, 1.2876820724517808, 0.0, 0.0}, weighted(Map.of()), 1e-15);
    }

    @Test
    void leavesADocumentWithoutTermsAtZero() {
        assertArrayEquals(new double[] {0, 0, 0, 0}, Tensors.toDoubles(OperatorHarness.run("TokenCounts",
                Map.of("norm", new Attribute.Str("l2")), Tensors.strings(Shape.of(1), "nothing known"),
                Tensors.strings(Shape.of(4), "cat", "dog", "mat", "the"), Tensors.of(DType.FLOAT64, Shape.of(4), IDF))));
    }

    @Test
    void refusesWeightsThatCannotWeighItsColumnsOrOverflow() {
        Tensor x = Tensors.strings(Shape.of(1), "cat cat");
        Tensor vocabulary = Tensors.strings(Shape.of(2), "cat", "dog");
        for (Tensor idf : List.of(Tensors.of(DType.FLOAT64, Shape.of(3), 1, 1, 1), Tensors.of(DType.FLOAT64, Shape.of(2), 1, Double.NaN),
                Tensors.of(DType.FLOAT64, Shape.of(2), 1, Double.POSITIVE_INFINITY), Tensors.of(DType.FLOAT32, Shape.of(2), 1, 1))) {
            assertThrows(InvalidModelException.class, () -> OperatorHarness.run("TokenCounts", Map.of(), x, vocabulary, idf), idf.toString());
        }
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("TokenCounts", Map.of("norm", new Attribute.Str("max")), x,
                vocabulary, Tensors.of(DType.FLOAT64, Shape.of(2), 1, 1)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OperatorHarness.run("TokenCounts", Map.of(), x,
                vocabulary, Tensors.of(DType.FLOAT64, Shape.of(2), Double.MAX_VALUE, 1)));
        assertTrue(e.getMessage().contains("infinity"), e.getMessage());
    }

    @Test
    void aDocumentWithManyDistinctTermsKeepsEveryCount() {
        StringBuilder document = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            document.append("w").append(i % 2500).append(' ');
        }
        double[] row = Tensors.toDoubles(OperatorHarness.run("HashedTokenCounts", Map.of("n_features", new Attribute.Int(1 << 20),
                "alternate_sign", new Attribute.Int(0)), Tensors.strings(Shape.of(1), document.toString())));
        double total = 0;
        for (double v : row) {
            total += v;
            assertTrue(v == 0 || v % 2 == 0, "each term twice, or twice its collisions");
        }
        assertEquals(5000, total);
    }

    private static List<String> terms(String pattern, String document) {
        List<String> found = new java.util.ArrayList<>();
        new TextAnalyzer(false, "none", "word", TokenPattern.of(pattern), 1, 1, java.util.Set.of()).analyze(document, found::add);
        return found;
    }

    @Test
    void theDefaultPatternsScanFindsWhatItsRegularExpressionFinds() {
        assertTrue(TokenPattern.of(TokenPattern.DEFAULT).wordRuns());
        assertTrue(!TokenPattern.of("(?u)\\b\\w{2,}\\b").wordRuns());
        for (int first = 0; first < Character.MAX_CODE_POINT; first += 256) {
            StringBuilder document = new StringBuilder();
            for (int c = first; c < first + 256; c++) {
                if (Character.getType(c) != Character.SURROGATE) {
                    String s = Character.toString(c);
                    document.append('a').append(s).append("b ").append(s).append(s).append(' ').append(s).append("z").append(s).append(". ");
                }
            }
            String text = document.toString();
            assertEquals(terms("(?u)\\b\\w{2,}\\b", text), terms(TokenPattern.DEFAULT, text), "code points from " + first);
        }
    }

    @Test
    void aPatternThatBacktracksWithoutBoundStopsTheRunInTime() {
        String document = "a".repeat(40) + "!";
        long start = System.nanoTime();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> counts(Map.of("token_pattern", new Attribute.Str("(?:(?:a+)+)+b")), new String[] {"ab"}, document));
        assertTrue(e.getMessage().contains("backtracks without bound"), e.getMessage());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "refused in seconds: unbounded, this pattern takes 25 s over 28 characters and doubles with each more");
    }
}
