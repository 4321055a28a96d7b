package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The LightGBM converter on LightGBM's text model files ({@code save_model}, {@code model_to_string}). */
class LightGbmFuzzTest {
    @FuzzTest
    void convertAndRun(byte[] model) {
        ModelRuns.convertAndRun("lightgbm", model);
    }
}
