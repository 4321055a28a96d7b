package org.mleruntime.ops;

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
 * CountVectorizer) and HashedTokenCounts (documents → signed counts in the columns their terms hash
 * to, as HashingVectorizer). docs/OPERATORS.md defines them; this class checks the documents' shape,
 * the vocabulary constant or the hashing width, and the analyzer's attributes, the token pattern
 * included ({@link TokenPattern}).
 */
public final class TextSchema {
    public static final Set<String> ANALYZERS = Set.of("word", "char", "char_wb");
    public static final Set<String> ACCENT_STRIPPING = Set.of("none", "ascii", "unicode");

    private TextSchema() {}

    static List<ValueInfo> tokenCounts(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        Tensor vocabulary = constant(n, in, c, 1, DType.STRING, 1);
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), vocabulary.elementCount())));
    }

    /** The widest hashed output: scikit-learn's default is 2^20. */
    public static final long MAX_HASHED_FEATURES = 1L << 24;

    static List<ValueInfo> hashedTokenCounts(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        long width = n.intAttr("n_features", 0);
        // The output is dense, and n_features is an attribute no bytes of the file back: unbounded, a
        // few bytes could ask for gigabytes per document. 2^24 columns are 128 MiB a document.
        if (width < 1 || width > MAX_HASHED_FEATURES) {
            throw error(n, "n_features must be between 1 and 2^24 (a dense row of " + MAX_HASHED_FEATURES + " columns), found " + width);
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(documentRows(n, in), width)));
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
