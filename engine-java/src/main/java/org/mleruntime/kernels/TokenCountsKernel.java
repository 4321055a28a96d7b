package org.mleruntime.kernels;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ops.TokenPattern;

/**
 * TokenCounts and HashedTokenCounts: each document analysed by a {@link TextAnalyzer} built once
 * with the session, and each term counted in its column. TokenCounts finds the column in a hash
 * map of the vocabulary and drops terms outside it, as CountVectorizer does; HashedTokenCounts
 * takes scikit-learn's signed 32-bit MurmurHash3 of the term's UTF-8 bytes (seed 0) modulo the
 * width, counting −1 for a negative hash under {@code alternate_sign}, as HashingVectorizer does.
 * With {@code binary}, every column a term reached is 1, whatever the signs summed to, as
 * scikit-learn fills the stored values of its sparse matrix.
 */
public final class TokenCountsKernel implements Kernel {
    private static final long NOWHERE = -1;

    private final TextAnalyzer analyzer;
    private final Map<String, Integer> columns;
    private final int hashedWidth;
    private final boolean alternateSign;
    private final boolean binary;

    public TokenCountsKernel(Node node, List<Tensor> constants) {
        boolean hashed = node.opType().equals("HashedTokenCounts");
        columns = hashed ? null : vocabulary(node, constants.get(1));
        hashedWidth = hashed ? Math.toIntExact(node.intAttr("n_features", 0)) : 0;
        alternateSign = hashed && node.intAttr("alternate_sign", 1) != 0;
        binary = node.intAttr("binary", 0) != 0;
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

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor documents = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        int width = Math.toIntExact(y.shape().dim(1));
        for (long r = 0; r < rows; r++) {
            long row = r * width;
            for (int k = 0; k < width; k++) {
                y.setDouble(row + k, 0.0);
            }
            String document = documents.string(r);
            if (document == null || document.equals(Tensor.NONE)) {
                throw new InvalidInputException("a document is missing (" + (document == null ? "NaN" : "None")
                        + "); a text vectorizer takes strings only, as scikit-learn's does");
            }
            analyzer.analyze(document, term -> {
                long place = place(term);
                if (place != NOWHERE) {
                    long at = row + (place >>> 1);
                    y.setDouble(at, binary ? 1.0 : y.getDouble(at) + ((place & 1) == 0 ? 1.0 : -1.0));
                }
            });
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
        long column = h == Integer.MIN_VALUE ? (Integer.MAX_VALUE - (hashedWidth - 1L)) % hashedWidth : Math.abs(h) % hashedWidth;
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
