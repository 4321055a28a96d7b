package org.mleruntime.operators.text;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * What TokenCounts and HashedTokenCounts compute for one document, before anything is written: its
 * terms, found by a {@link TextAnalyzer} built once with the session, counted in their columns
 * and weighted, as a sorted {@link TermRow}. TokenCounts finds the column in a hash map of the
 * vocabulary and drops terms outside it, as CountVectorizer does; HashedTokenCounts takes
 * scikit-learn's signed 32-bit MurmurHash3 of the term's UTF-8 bytes (seed 0) modulo the width,
 * counting −1 for a negative hash under {@code alternate_sign}, as HashingVectorizer does. With
 * {@code binary}, every column a term reached is 1, whatever the signs summed to, as scikit-learn
 * fills the stored values of its sparse matrix. Then, in TfidfTransformer's order and over the
 * stored values alone as scikit-learn's sparse arithmetic goes: {@code sublinear_tf} (1 + ln of
 * each positive value), the idf weights, and the row's l1 or l2 norm summed in column order, a row
 * whose norm is 0 left as it is. A weight that overflows is refused, as the model reading it would
 * refuse infinity.
 */
final class DocumentTerms {
    private static final long NOWHERE = -1;

    private final String node;
    private final TextAnalyzer analyzer;
    private final Map<String, Integer> columns;
    private final int width;
    private final boolean alternateSign;
    private final boolean binary;
    private final boolean sublinear;
    private final Tensor idf;
    private final String norm;
    private final boolean l1;

    /** {@code constants} are those of the counting inputs alone: documents, the vocabulary if any, the idf weights if any. */
    DocumentTerms(Node node, List<Tensor> constants, boolean hashed) {
        this.node = node.name();
        columns = hashed ? null : vocabulary(node, constants.get(1));
        width = hashed ? Math.toIntExact(node.intAttr("n_features", 0)) : columns.size();
        int weights = hashed ? 1 : 2;
        idf = constants.size() > weights ? constants.get(weights) : null;
        alternateSign = hashed && node.intAttr("alternate_sign", 1) != 0;
        binary = node.intAttr("binary", 0) != 0;
        sublinear = node.intAttr("sublinear_tf", 0) != 0;
        norm = node.stringAttr("norm", "none");
        l1 = norm.equals("l1");
        analyzer = new TextAnalyzer(node.intAttr("lowercase", 1) != 0, node.stringAttr("strip_accents", "none"),
                node.stringAttr("analyzer", "word"), TokenPattern.of(node.stringAttr("token_pattern", TokenPattern.DEFAULT)),
                Math.toIntExact(node.intAttr("ngram_min", 1)), Math.toIntExact(node.intAttr("ngram_max", 1)),
                new HashSet<>(node.stringsAttr("stop_words", List.of())));
    }

    private static Map<String, Integer> vocabulary(Node node, Tensor terms) {
        Map<String, Integer> columns = new HashMap<>();
        for (int k = 0; k < terms.elementCount(); k++) {
            if (columns.put(terms.string(k), k) != null) {
                throw new InvalidModelException("TokenCounts '" + node.name() + "': the vocabulary lists '" + terms.string(k) + "' twice");
            }
        }
        return columns;
    }

    int width() {
        return width;
    }

    /** Fills {@code row} with the document's weighted terms in column order. */
    void weigh(String document, TermRow row) {
        if (document == null || document.equals(Tensor.NONE)) {
            throw new InvalidInputException("a document is missing (" + (document == null ? "NaN" : "None")
                    + "); a text vectorizer takes strings only, as scikit-learn's does");
        }
        row.clear();
        analyzer.analyze(document, term -> {
            long place = place(term);
            if (place != NOWHERE) {
                row.add((int) (place >>> 1), (place & 1) == 0 ? 1.0 : -1.0, binary);
            }
        });
        row.sort();
        for (int e = 0; e < row.size(); e++) {
            double v = row.value(e);
            if (sublinear && v > 0) {
                v = Math.log(v) + 1.0;
            }
            if (idf != null) {
                v *= idf.getDouble(row.column(e));
            }
            if (!Double.isFinite(v)) {
                throw new InvalidInputException(node + ": a document's term weight overflows to " + v
                        + " (a count times its idf weight); the model would refuse it as input containing infinity");
            }
            row.setValue(e, v);
        }
        normalize(row);
    }

    private void normalize(TermRow row) {
        if (norm.equals("none")) {
            return;
        }
        double total = 0.0;
        for (int e = 0; e < row.size(); e++) {
            double v = row.value(e);
            total += l1 ? Math.abs(v) : v * v;
        }
        if (total == 0.0) {
            return;
        }
        double scale = l1 ? total : Math.sqrt(total);
        for (int e = 0; e < row.size(); e++) {
            row.setValue(e, row.value(e) / scale);
        }
    }

    /** The term's column shifted left by one, the low bit set when it counts −1; NOWHERE outside the vocabulary. */
    private long place(String term) {
        if (columns != null) {
            Integer column = columns.get(term);
            return column == null ? NOWHERE : (long) column << 1;
        }
        int h = murmurhash3(term.getBytes(StandardCharsets.UTF_8));
        // scikit-learn's own spelling of abs(-2^31) % n_features, which is undefined for an int32.
        long column = h == Integer.MIN_VALUE ? (Integer.MAX_VALUE - (width - 1L)) % width : Math.abs(h) % width;
        return column << 1 | (alternateSign && h < 0 ? 1 : 0);
    }

    /** MurmurHash3 x86 32-bit with seed 0, as scikit-learn's murmurhash3_bytes_s32. */
    static int murmurhash3(byte[] data) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = 0;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int k = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16 | (data[4 * i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
