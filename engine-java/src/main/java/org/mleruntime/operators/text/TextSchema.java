package org.mleruntime.operators.text;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.constant;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Text: TokenCounts (documents → the counts of a fixed vocabulary's terms, as scikit-learn's
 * CountVectorizer, weighted as TfidfTransformer weighs them when asked) and HashedTokenCounts
 * (documents → signed counts in the columns their terms hash to, as HashingVectorizer), and their
 * products with a constant matrix, TokenCountsGemm and HashedTokenCountsGemm, which the optimiser
 * makes so that a vectorizer feeding a linear model never writes a row as wide as its vocabulary.
 * docs/OPERATORS.md defines them; this class checks the documents' shape, the vocabulary constant
 * or the hashing width, the idf weights, and the analyzer's attributes, the token pattern included
 * ({@link TokenPattern}).
 */
public final class TextSchema {
    public static final Set<String> ANALYZERS = Set.of("word", "char", "char_wb");
    public static final Set<String> ACCENT_STRIPPING = Set.of("none", "ascii", "unicode");
    public static final Set<String> NORMS = Set.of("none", "l1", "l2");

    private TextSchema() {}

    static List<ValueInfo> tokenCounts(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3);
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), terms(n, in, c))));
    }

    static List<ValueInfo> tokenCountsGemm(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 4, 5);
        long terms = terms(n, in.subList(0, in.size() - 2), c.subList(0, in.size() - 2));
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), product(n, in, c, terms))));
    }

    /** The vocabulary's size, after checking the vocabulary and the idf weights. */
    private static long terms(Node n, List<ValueInfo> in, List<Tensor> c) {
        long terms = constant(n, in, c, 1, DType.STRING, 1).elementCount();
        weights(n, in, c, 2, terms);
        return terms;
    }

    /** The widest hashed output: scikit-learn's default is 2^20. */
    public static final long MAX_HASHED_FEATURES = 1L << 24;

    static List<ValueInfo> hashedTokenCounts(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), hashedWidth(n, in, c))));
    }

    static List<ValueInfo> hashedTokenCountsGemm(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 4);
        long width = hashedWidth(n, in.subList(0, in.size() - 2), c.subList(0, in.size() - 2));
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), product(n, in, c, width))));
    }

    /** The hashing width, after checking it and the idf weights. */
    private static long hashedWidth(Node n, List<ValueInfo> in, List<Tensor> c) {
        long width = n.intAttr("n_features", 0);
        // The output is dense, and n_features is an attribute no bytes of the file back: unbounded, a
        // few bytes could ask for gigabytes per document. 2^24 columns are 128 MiB a document.
        if (width < 1 || width > MAX_HASHED_FEATURES) {
            throw error(n, "n_features must be between 1 and 2^24 (a dense row of " + MAX_HASHED_FEATURES + " columns), found " + width);
        }
        weights(n, in, c, 1, width);
        return width;
    }

    /** Checks the optional idf input at {@code index}: a float64 constant [width] of finite values. */
    private static void weights(Node n, List<ValueInfo> in, List<Tensor> c, int index, long width) {
        if (in.size() <= index) {
            return;
        }
        Tensor idf = constant(n, in, c, index, DType.FLOAT64, 1);
        if (idf.elementCount() != width) {
            throw error(n, "idf has " + idf.elementCount() + " weights for " + width + " columns");
        }
        for (long k = 0; k < width; k++) {
            if (!Double.isFinite(idf.getDouble(k))) {
                throw error(n, "idf weight " + k + " is " + idf.getDouble(k) + "; weights must be finite");
            }
        }
    }

    /**
     * Checks the last two inputs of a product, B float64 [width, M] ([M, width] with {@code transB})
     * and C float64 [M], both constants; returns M.
     */
    private static long product(Node n, List<ValueInfo> in, List<Tensor> c, long width) {
        int b = in.size() - 2;
        Tensor weights = constant(n, in, c, b, DType.FLOAT64, 2);
        boolean transB = n.intAttr("transB", 0) != 0;
        long inner = weights.shape().dim(transB ? 1 : 0);
        long outputs = weights.shape().dim(transB ? 0 : 1);
        if (inner != width) {
            throw error(n, "B" + (transB ? "ᵀ" : "") + " has " + inner + " rows for " + width + " term columns");
        }
        Tensor bias = constant(n, in, c, b + 1, DType.FLOAT64, 1);
        if (bias.elementCount() != outputs) {
            throw error(n, "C has " + bias.elementCount() + " values for " + outputs + " outputs");
        }
        return outputs;
    }

    /** Checks the documents and the analyzer's attributes; returns the number of documents (the batch dimension). */
    private static long documentRows(Node n, List<ValueInfo> in) {
        ValueInfo documents = in.getFirst();
        Shape shape = documents.shape();
        if (documents.dtype() != DType.STRING || !(shape.rank() == 1 || (shape.rank() == 2 && shape.dim(1) == 1))) {
            throw error(n, "documents must be strings [N] or [N, 1], found " + documents.dtype().label() + shape);
        }
        String analyzer = n.stringAttr("analyzer", "word");
        if (!ANALYZERS.contains(analyzer)) {
            throw error(n, "analyzer must be one of " + ANALYZERS + ", found '" + analyzer + "'");
        }
        String accents = n.stringAttr("strip_accents", "none");
        if (!ACCENT_STRIPPING.contains(accents)) {
            throw error(n, "strip_accents must be one of " + ACCENT_STRIPPING + ", found '" + accents + "'");
        }
        String norm = n.stringAttr("norm", "none");
        if (!NORMS.contains(norm)) {
            throw error(n, "norm must be one of " + NORMS + ", found '" + norm + "'");
        }
        long minN = n.intAttr("ngram_min", 1);
        long maxN = n.intAttr("ngram_max", 1);
        if (minN < 1 || maxN < minN) {
            throw error(n, "the n-gram range must satisfy 1 ≤ ngram_min ≤ ngram_max, found " + minN + ".." + maxN);
        }
        try {
            TokenPattern.of(n.stringAttr("token_pattern", TokenPattern.DEFAULT));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
        return shape.dim(0);
    }
}
