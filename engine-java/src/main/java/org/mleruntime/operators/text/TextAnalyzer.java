package org.mleruntime.operators.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import org.mleruntime.InvalidInputException;

/**
 * scikit-learn's text analysis (sklearn.feature_extraction.text), step for step: lowercase, strip
 * accents, then word n-grams of the tokens the pattern finds less the stop words, or character
 * n-grams (char, char_wb) of the text with its whitespace runs collapsed. Characters are counted
 * as Python counts them, by code point, so an emoji outside the BMP is one character.
 *
 * <p>Lowercasing is {@code toLowerCase(Locale.ROOT)}, which agrees with Python's {@code str.lower}
 * for every code point of Unicode 14 (Python 3.11), 'İ' → "i̇" and the final sigma included;
 * characters assigned since may differ, as may NFKD and the classes of the token pattern for them.
 */
final class TextAnalyzer {
    private final boolean lowercase;
    private final String accents;
    private final String analyzer;
    private final TokenPattern tokens;
    private final int minN;
    private final int maxN;
    private final Set<String> stopWords;

    TextAnalyzer(boolean lowercase, String accents, String analyzer, TokenPattern tokens, int minN, int maxN, Set<String> stopWords) {
        this.lowercase = lowercase;
        this.accents = accents;
        this.analyzer = analyzer;
        this.tokens = tokens;
        this.minN = minN;
        this.maxN = maxN;
        this.stopWords = stopWords;
    }

    /** Hands each term of {@code document} to {@code term}, in scikit-learn's order. */
    void analyze(String document, Consumer<String> term) {
        String text = lowercase ? document.toLowerCase(Locale.ROOT) : document;
        text = switch (accents) {
            case "unicode" -> stripAccentsUnicode(text);
            case "ascii" -> stripAccentsAscii(text);
            default -> text;
        };
        switch (analyzer) {
            case "word" -> wordNgrams(words(text), term);
            case "char" -> charNgrams(codePoints(TokenPattern.WHITESPACE_RUN.matcher(text).replaceAll(" ")), term);
            default -> charWbNgrams(TokenPattern.WHITESPACE_RUN.matcher(text).replaceAll(" "), term);
        }
    }

    private List<String> words(String text) {
        List<String> found = new ArrayList<>();
        if (tokens.wordRuns()) {
            wordRuns(text, found);
            return found;
        }
        Matcher m = tokens.pattern().matcher(new BoundedText(text));
        while (m.find()) {
            String token = tokens.tokenGroup() == 0 ? m.group() : m.group(1);
            // re.findall gives "" for a group that took no part in the match.
            token = token == null ? "" : token;
            if (!stopWords.contains(token)) {
                found.add(token);
            }
        }
        return found;
    }

    /** The default pattern's tokens: each maximal run of two or more word code points, less the stop words. */
    private void wordRuns(String text, List<String> found) {
        int start = -1;
        int length = 0;
        for (int i = 0; i <= text.length(); ) {
            int c = i < text.length() ? text.codePointAt(i) : -1;
            if (c >= 0 && TokenPattern.isWord(c)) {
                if (start < 0) {
                    start = i;
                    length = 0;
                }
                length++;
            } else if (start >= 0) {
                String token = text.substring(start, i);
                if (length >= 2 && !stopWords.contains(token)) {
                    found.add(token);
                }
                start = -1;
            }
            i += c >= 0 ? Character.charCount(c) : 1;
        }
    }

    /** _word_ngrams: the unigrams when asked for, then each longer n in turn, tokens joined by a space. */
    private void wordNgrams(List<String> words, Consumer<String> term) {
        int from = minN;
        if (minN == 1) {
            words.forEach(term);
            from = 2;
        }
        for (int n = from; n <= Math.min(maxN, words.size()); n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                term.accept(String.join(" ", words.subList(i, i + n)));
            }
        }
    }

    /** _char_ngrams: every run of n code points, n from min to max. */
    private void charNgrams(int[] text, Consumer<String> term) {
        for (int n = minN; n <= Math.min(maxN, text.length); n++) {
            for (int i = 0; i + n <= text.length; i++) {
                term.accept(new String(text, i, n));
            }
        }
    }

    /** _char_wb_ngrams: n-grams inside each whitespace-separated word padded by a space; a word shorter than n gives itself once. */
    private void charWbNgrams(String text, Consumer<String> term) {
        for (String word : TokenPattern.WHITESPACE.split(text)) {
            if (word.isEmpty()) {
                continue;
            }
            int[] padded = codePoints(" " + word + " ");
            for (int n = minN; n <= maxN; n++) {
                int offset = 0;
                term.accept(new String(padded, 0, Math.min(n, padded.length)));
                while (offset + n < padded.length) {
                    offset++;
                    term.accept(new String(padded, offset, Math.min(n, padded.length - offset)));
                }
                if (offset == 0) {
                    break;
                }
            }
        }
    }

    private static int[] codePoints(String text) {
        return text.codePoints().toArray();
    }

    /** strip_accents_unicode: text that is not pure ASCII in NFKD, less its combining characters. */
    static String stripAccentsUnicode(String text) {
        if (text.chars().allMatch(c -> c < 128)) {
            return text;
        }
        StringBuilder kept = new StringBuilder(text.length());
        Normalizer.normalize(text, Normalizer.Form.NFKD).codePoints()
                .filter(c -> !Combining.MARKS.get(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /** strip_accents_ascii: the ASCII characters of the text in NFKD. */
    static String stripAccentsAscii(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        Normalizer.normalize(text, Normalizer.Form.NFKD).chars().filter(c -> c < 128).forEach(c -> kept.append((char) c));
        return kept.toString();
    }

    /**
     * The code points of non-zero canonical combining class (Python's {@code unicodedata.combining}),
     * which Java does not expose: all are marks, and a mark after U+0345 (class 240, the highest)
     * has a class between 1 and 239 exactly when canonical ordering moves it before U+0345.
     */
    private static final class Combining {
        static final BitSet MARKS = marks();

        private static BitSet marks() {
            BitSet marks = new BitSet(Character.MAX_CODE_POINT + 1);
            marks.set(0x345);
            for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
                int type = Character.getType(c);
                if (type != Character.NON_SPACING_MARK && type != Character.COMBINING_SPACING_MARK && type != Character.ENCLOSING_MARK) {
                    continue;
                }
                String mark = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFD);
                if (mark.codePointCount(0, mark.length()) == 1
                        && Normalizer.normalize("a\u0345" + mark, Normalizer.Form.NFD).equals("a" + mark + "\u0345")) {
                    marks.set(c);
                }
            }
            return marks;
        }
    }

    /**
     * The document as the pattern reads it, counting what the matcher reads: a pattern from a file
     * may backtrack without bound ("(?:a+)+b" over a long run of a's), and matching must end in time
     * proportional to the document, as a walk down a tree must end within its nodes.
     */
    private static final class BoundedText implements CharSequence {
        private static final long READS_PER_CHAR = 10_000;
        private static final long MIN_READS = 1_000_000;

        private final String text;
        private final long budget;
        private long reads;

        BoundedText(String text) {
            this.text = text;
            this.budget = Math.max(MIN_READS, READS_PER_CHAR * text.length());
        }

        @Override
        public char charAt(int index) {
            if (++reads > budget) {
                throw new InvalidInputException("the token pattern reads a document of " + text.length() + " characters more than "
                        + budget + " times: it backtracks without bound on this text, and is refused");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
