package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The XGBoost converter on XGBoost's JSON model files ({@code save_model("m.json")}, {@code save_raw("json")}). */
class XGBoostJsonFuzzTest {
    @FuzzTest
    void convertAndRun(byte[] model) {
        ModelRuns.convertAndRun("xgboost", model);
    }
}
