package org.mleruntime.exporters.catboost;

/**
 * The two hashes CatBoost applies to categorical values: a value's hash is the low 32 bits of
 * CityHash64 (version 1.0, Google, 2011) of the value's text, {@code CalcCatFeatureHash}; the key of
 * a feature combination in a CTR table folds the values' hashes (sign-extended to 64 bits) and
 * the combination's binary features (0 or 1) with {@code CalcHash(a, b) = M · (a + M · b)} mod 2^64,
 * starting from 0 ({@code catboost/libs/model/ctr_provider.h}).
 *
 * <p>Only texts of at most 16 bytes are hashed here, the only CityHash64 branch a decimal integer
 * below 10^15 reaches.
 */
final class CatBoostHash {
    private static final long K2 = 0x9ae16a3b2f90404fL;
    private static final long K3 = 0xc949d7c7509e6557L;
    private static final long K_MUL = 0x9ddfea08eb382d69L;
    private static final long MAGIC_MULT = 0x4906ba494954cb65L;

    private CatBoostHash() {}

    /** The hash of an integer category, which CatBoost reads as its decimal text; {@code digits} (20 bytes) is scratch space. */
    static long integerHash(long category, byte[] digits) {
        int at = digits.length;
        long rest = Math.abs(category);
        do {
            digits[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (category < 0) {
            digits[--at] = '-';
        }
        return cityHash64(digits, at, digits.length - at) & 0xFFFF_FFFFL;
    }

    /** One step of a combination key: the running key {@code a} and the next element {@code b}. */
    static long combine(long a, long b) {
        return MAGIC_MULT * (a + MAGIC_MULT * b);
    }

    /** A value hash as a combination element: the 32-bit hash read as a signed int, widened. */
    static long element(long valueHash) {
        return (int) valueHash;
    }

    /** CityHash64 of {@code s[from .. from + len)}. */
    static long cityHash64(byte[] s, int from, int len) {
        if (len > 16) {
            throw new IllegalArgumentException("only texts of up to 16 bytes are hashed, got " + len);
        }
        if (len > 8) {
            long a = load64(s, from);
            long b = load64(s, from + len - 8);
            return hashLen16(a, Long.rotateRight(b + len, len)) ^ b;
        }
        if (len >= 4) {
            long a = load32(s, from);
            return hashLen16(len + (a << 3), load32(s, from + len - 4));
        }
        if (len > 0) {
            int a = s[from] & 0xFF;
            int b = s[from + (len >> 1)] & 0xFF;
            int c = s[from + len - 1] & 0xFF;
            long y = (a + (b << 8)) & 0xFFFF_FFFFL;
            long z = (len + (c << 2)) & 0xFFFF_FFFFL;
            return shiftMix(y * K2 ^ z * K3) * K2;
        }
        return K2;
    }

    /** Hash128to64 of the pair (low u, high v). */
    private static long hashLen16(long u, long v) {
        long a = (u ^ v) * K_MUL;
        a ^= a >>> 47;
        long b = (v ^ a) * K_MUL;
        b ^= b >>> 47;
        return b * K_MUL;
    }

    private static long shiftMix(long v) {
        return v ^ (v >>> 47);
    }

    private static long load64(byte[] s, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (s[at + i] & 0xFF);
        }
        return v;
    }

    private static long load32(byte[] s, int at) {
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = v << 8 | (s[at + i] & 0xFF);
        }
        return v;
    }
}
