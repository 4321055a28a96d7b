package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The CatBoost converter on CatBoost's JSON model files ({@code save_model(format="json")}). Its
 * timeout is longer than the others': a categorical feature's values are found by hashing integers
 * up to 2^24 until the file's hashes are matched, which takes seconds per conversion under the
 * fuzzer (for some fixtures too) and the whole search for any hash that matches none.
 */
class CatBoostFuzzTest {
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void convertAndRun(byte[] model) {
        ModelRuns.convertAndRun("catboost", model);
    }
}
