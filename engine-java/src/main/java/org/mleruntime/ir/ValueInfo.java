package org.mleruntime.ir;

/** The name, element type and shape of a graph input, output or intermediate value. */
public record ValueInfo(String name, DType dtype, Shape shape) {
    @Override
    public String toString() {
        return name + ": " + dtype.label() + shape;
    }
}
