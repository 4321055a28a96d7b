package org.mleruntime.kernels;

/**
 * The element-wise binary operators, computed in double. For float32 operands the double result of
 * + − × ÷ rounds to exactly the float32 result (double has more than twice float's precision).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, GREATER, GREATER_OR_EQUAL;

    /** Whether the result is a bool (0 or 1) rather than a number of the operands' dtype. */
    public boolean comparison() {
        return this == GREATER || this == GREATER_OR_EQUAL;
    }

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case GREATER -> a > b ? 1 : 0;
            case GREATER_OR_EQUAL -> a >= b ? 1 : 0;
        };
    }

    public static BinaryOp of(String opType) {
        return switch (opType) {
            case "Add" -> ADD;
            case "Sub" -> SUB;
            case "Mul" -> MUL;
            case "Div" -> DIV;
            case "Pow" -> POW;
            case "Greater" -> GREATER;
            case "GreaterOrEqual" -> GREATER_OR_EQUAL;
            default -> throw new IllegalArgumentException("not a binary operator: " + opType);
        };
    }
}
