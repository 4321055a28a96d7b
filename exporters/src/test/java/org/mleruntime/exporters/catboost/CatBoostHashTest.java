package org.mleruntime.exporters.catboost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CatBoost's hashes against the values CatBoost 1.2 itself wrote (cat_features_hash and CTR table keys of saved models). */
class CatBoostHashTest {
    @Test
    void integerCategoriesHashAsTheirDecimalText() {
        // One text length per CityHash64 branch: 1-3 bytes, 4-8 bytes, 9-16 bytes.
        long[][] written = {{0, 2856682258L}, {3, 593172586L}, {7, 4277023987L}, {-12, 2706368152L}, {1234, 2446288829L},
            {12345678, 1054993967L}, {-99999999, 812392189L}, {123456789, 1389760245L}, {1234567890123L, 3767897976L}};
        byte[] digits = new byte[20];
        for (long[] w : written) {
            assertEquals(w[1], CatBoostHash.integerHash(w[0], digits), "hash of " + w[0]);
        }
        byte[] text = "c0".getBytes(StandardCharsets.UTF_8);
        assertEquals(4246130490L, CatBoostHash.cityHash64(text, 0, text.length) & 0xFFFF_FFFFL);
    }

    @Test
    void oneFeatureTableKeysFoldTheSignExtendedHash() {
        // The key of category "0" in a one-feature CTR table CatBoost wrote.
        assertEquals(Long.parseUnsignedLong("14096670708071601218"), CatBoostHash.combine(0, CatBoostHash.element(2856682258L)));
    }
}
