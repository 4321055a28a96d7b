package org.mleruntime.exporters.onnx;

/** One dimension of a declared shape: a number, or a symbol (a {@code dim_param}; empty when unnamed). */
public sealed interface OnnxDim {
    record Fixed(long size) implements OnnxDim {
        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    record Symbolic(String name) implements OnnxDim {
        @Override
        public String toString() {
            return name.isEmpty() ? "?" : name;
        }
    }
}
