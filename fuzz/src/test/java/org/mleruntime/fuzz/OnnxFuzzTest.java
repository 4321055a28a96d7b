package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The ONNX importer on ONNX model files ({@code ModelProto} bytes): protobuf parsing, tensor decoding and translation. */
class OnnxFuzzTest {
    @FuzzTest
    void convertAndRun(byte[] model) {
        ModelRuns.convertAndRunWithDefaults("onnx", model);
    }
}
