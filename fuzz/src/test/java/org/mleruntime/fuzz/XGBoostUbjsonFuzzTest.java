package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The XGBoost converter on XGBoost's UBJSON model files ({@code save_model("m.ubj")}, {@code save_raw("ubj")}). */
class XGBoostUbjsonFuzzTest {
    @FuzzTest
    void convertAndRun(byte[] model) {
        ModelRuns.convertAndRun("xgboost", model);
    }
}
