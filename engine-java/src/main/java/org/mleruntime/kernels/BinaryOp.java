package org.mleruntime.kernels;

/** The element-wise binary operators, computed in double (exact for float32 too: double has room for the float result's rounding). */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, GREATER;

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case GREATER -> a > b ? 1 : 0;
        };
    }

    public static BinaryOp of(String opType) {
        return switch (opType) {
            case "Add" -> ADD;
            case "Sub" -> SUB;
            case "Mul" -> MUL;
            case "Div" -> DIV;
            case "Greater" -> GREATER;
            default -> throw new IllegalArgumentException("not a binary operator: " + opType);
        };
    }
}
