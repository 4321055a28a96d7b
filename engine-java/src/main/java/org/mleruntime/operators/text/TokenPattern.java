package org.mleruntime.operators.text;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The token pattern of a TokenCounts or HashedTokenCounts node: a Python {@code re} pattern, as
 * scikit-learn's vectorizers hold it, translated into a {@link Pattern} that finds the same tokens.
 *
 * <p>Only the subset whose meaning was checked against Python's, character by character over every
 * code point Python 3.11 (Unicode 14) assigns, is accepted: literals, escaped punctuation, {@code \t
 * \n \r \f \v}, character classes of literals, ranges and {@code \w \d \D \s}, {@code .}, {@code ^},
 * {@code $}, {@code |}, groups {@code (…)} and {@code (?:…)}, quantifiers (greedy, lazy,
 * possessive, {@code {m,n}}), {@code \w \W \d \D \s \S \b} and a leading {@code (?u)}. Python's
 * {@code \w} is a letter, a number or '_' ({@code str.isalnum}), not Java's Unicode {@code \w},
 * which adds combining marks, join controls and all connector punctuation; Python's {@code \s}
 * adds U+001C..U+001F to Unicode's White_Space. Those classes are spelt out here, and {@code \b}
 * is built from them. Anything else (back-references, look-arounds, inline flags, named groups,
 * {@code \A \Z \B \p \x \N}, the unicode escapes, nested classes) is refused, and so is a pattern
 * that can match an empty token, after which Python and Java resume the search differently.
 */
public final class TokenPattern {
    /** scikit-learn's default: words of two or more word characters. */
    public static final String DEFAULT = "(?u)\\b\\w\\w+\\b";

    // U+10000, a letter already in the class, spelt literally: a pattern holding a supplementary
    // character makes java.util.regex step back over surrogate pairs, without which the look-behind
    // of \b reads half of an emoji or a historic script's letter.
    private static final String WORD_MEMBERS = "\\p{L}\\p{N}_\uD800\uDC00";
    private static final String WORD = "[" + WORD_MEMBERS + "]";
    private static final String SPACE_MEMBERS = "\\s\\x1c-\\x1f";
    /** Python's {@code \s}: used for the whitespace runs of the character analyzers too. */
    public static final Pattern WHITESPACE_RUN = Pattern.compile("[" + SPACE_MEMBERS + "]{2,}", Pattern.UNICODE_CHARACTER_CLASS);
    public static final Pattern WHITESPACE = Pattern.compile("[" + SPACE_MEMBERS + "]+", Pattern.UNICODE_CHARACTER_CLASS);

    private final Pattern pattern;
    private final int groups;
    private final boolean wordRuns;

    private TokenPattern(Pattern pattern, int groups, boolean wordRuns) {
        this.pattern = pattern;
        this.groups = groups;
        this.wordRuns = wordRuns;
    }

    /**
     * True for scikit-learn's default pattern, with or without its {@code (?u)}: its tokens are then
     * exactly the maximal runs of two or more {@linkplain #isWord word characters} (a match starts
     * only where a run starts, and the greedy {@code \w+} ends where it ends), which a scan finds
     * without the regular-expression engine, several times faster.
     */
    public boolean wordRuns() {
        return wordRuns;
    }

    /** Whether the code point is in {@code \w} as translated here: a letter or number (\p{L}, \p{N}) or '_'. */
    public static boolean isWord(int codePoint) {
        return codePoint == '_' || switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                 Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    public Pattern pattern() {
        return pattern;
    }

    /** 1 when the pattern has one capturing group, whose text is the token (as {@code re.findall}); 0 otherwise. */
    public int tokenGroup() {
        return groups;
    }

    /** Translates {@code python}; throws IllegalArgumentException naming what it refuses and why. */
    public static TokenPattern of(String python) {
        StringBuilder java = new StringBuilder();
        // The pattern with its zero-width assertions (\b, ^, $) read as empty: it matches "" exactly
        // when the pattern can match an empty token somewhere.
        StringBuilder widths = new StringBuilder();
        int groups = 0;
        boolean quantifiable = false;
        int i = python.startsWith("(?u)") ? 4 : 0;
        while (i < python.length()) {
            char c = python.charAt(i);
            boolean assertion = c == '^' || c == '$' || python.startsWith("\\b", i);
            int from = java.length();
            quantifiable = true;
            switch (c) {
                case '\\' -> {
                    java.append(escape(python, i, false));
                    quantifiable = python.charAt(i + 1) != 'b';
                    i += 2;
                }
                case '[' -> i = characterClass(python, i, java);
                case '(' -> {
                    if (python.startsWith("(?:", i)) {
                        java.append("(?:");
                        i += 3;
                    } else if (python.startsWith("(?", i)) {
                        throw refused(python, i, "its '(?' extensions (inline flags, named groups, look-arounds, conditionals) were not verified");
                    } else {
                        groups++;
                        java.append('(');
                        i++;
                    }
                    quantifiable = false;
                }
                case '{' -> {
                    int close = python.indexOf('}', i);
                    String bounds = close < 0 ? "" : python.substring(i + 1, close);
                    if (!quantifiable || !bounds.matches("\\d+|\\d*,\\d*") || bounds.equals(",")) {
                        throw refused(python, i, "a '{' that is not a repetition {m}, {m,}, {,n} or {m,n} is a literal in Python and an error in Java");
                    }
                    java.append('{').append(bounds.startsWith(",") ? "0" + bounds : bounds).append('}');
                    i = close + 1;
                }
                case '}' -> {
                    java.append("\\}");
                    i++;
                }
                default -> {
                    quantifiable = "|^".indexOf(c) < 0;
                    java.appendCodePoint(python.codePointAt(i));
                    i += Character.charCount(python.codePointAt(i));
                }
            }
            widths.append(assertion ? "(?:)" : java.substring(from));
        }
        if (groups > 1) {
            throw new IllegalArgumentException("the token pattern " + python + " has " + groups
                    + " capturing groups; scikit-learn allows at most one");
        }
        int flags = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
        try {
            Pattern pattern = Pattern.compile(java.toString(), flags);
            if (Pattern.compile(widths.toString(), flags).matcher("").matches()) {
                throw new IllegalArgumentException("the token pattern " + python + " can match an empty token, after which Python's "
                        + "findall retries a longer match at the same place while java.util.regex moves on");
            }
            return new TokenPattern(pattern, groups, python.equals(DEFAULT) || python.equals(DEFAULT.substring(4)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the token pattern " + python + " is not valid: " + e.getDescription(), e);
        }
    }

    private static String escape(String python, int at, boolean inClass) {
        if (at + 1 >= python.length()) {
            throw refused(python, at, "it ends in a lone backslash");
        }
        char e = python.charAt(at + 1);
        return switch (e) {
            case 'w' -> inClass ? WORD_MEMBERS : WORD;
            case 'd' -> "\\p{Nd}";
            case 'D' -> "\\P{Nd}";
            case 's' -> inClass ? SPACE_MEMBERS : "[" + SPACE_MEMBERS + "]";
            case 'W', 'S', 'b' -> {
                if (inClass) {
                    throw refused(python, at, "\\" + e + " inside a character class was not verified");
                }
                yield switch (e) {
                    case 'W' -> "[^" + WORD_MEMBERS + "]";
                    case 'S' -> "[^" + SPACE_MEMBERS + "]";
                    default -> "(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))";
                };
            }
            case 't', 'n', 'r', 'f' -> "\\" + e;
            case 'v' -> "\\x0B";
            default -> {
                if (e < 128 && !Character.isLetterOrDigit(e) && e != '_') {
                    yield "\\" + e;
                }
                throw refused(python, at, "the escape \\" + e + " was not verified against Python's");
            }
        };
    }

    private static int characterClass(String python, int at, StringBuilder java) {
        int i = at + 1;
        java.append('[');
        if (i < python.length() && python.charAt(i) == '^') {
            java.append('^');
            i++;
        }
        boolean first = true;
        while (i < python.length() && (python.charAt(i) != ']' || first)) {
            char c = python.charAt(i);
            if (c == '\\') {
                java.append(escape(python, i, true));
                i += 2;
            } else if (c == '[' || python.startsWith("&&", i)) {
                throw refused(python, i, "'" + c + "' inside a character class is a literal in Python but a nested class or intersection in Java");
            } else if (c == ']') {
                java.append("\\]");
                i++;
            } else {
                java.appendCodePoint(python.codePointAt(i));
                i += Character.charCount(python.codePointAt(i));
            }
            first = false;
        }
        if (i >= python.length()) {
            throw refused(python, at, "the character class is not closed");
        }
        java.append(']');
        return i + 1;
    }

    private static IllegalArgumentException refused(String python, int at, String why) {
        return new IllegalArgumentException("the token pattern " + python + " cannot be used at offset " + at + ": " + why);
    }
}
