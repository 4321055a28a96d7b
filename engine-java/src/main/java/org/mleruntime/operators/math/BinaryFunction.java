package org.mleruntime.operators.math;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.mleruntime.InvalidInputException;
import org.mleruntime.kernels.BinaryOp;

/**
 * An element-wise operator of two values: its arithmetic in double (floats) and in long (integers,
 * with integer division truncating as ONNX Runtime's does), whether it yields a bool, and the hot
 * loops' {@link BinaryOp} where one exists for a row broadcast.
 *
 * @param rowLoop the hot loops' operator for a matrix and a row, or null
 */
record BinaryFunction(String name, DoubleBinaryOperator floats, LongBinaryOperator integers, boolean yieldsBool, BinaryOp rowLoop) {
    static final String[] ARITHMETIC = {"Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Mod"};
    static final String[] COMPARISONS = {"Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal"};
    static final String[] LOGIC = {"And", "Or", "Xor"};

    static BinaryFunction of(String opType, boolean fmod) {
        return switch (opType) {
            case "Add" -> new BinaryFunction(opType, (a, b) -> a + b, Long::sum, false, BinaryOp.ADD);
            case "Sub" -> new BinaryFunction(opType, (a, b) -> a - b, (a, b) -> a - b, false, BinaryOp.SUB);
            case "Mul" -> new BinaryFunction(opType, (a, b) -> a * b, (a, b) -> a * b, false, BinaryOp.MUL);
            case "Div" -> new BinaryFunction(opType, (a, b) -> a / b, BinaryFunction::divide, false, BinaryOp.DIV);
            case "Pow" -> new BinaryFunction(opType, Math::pow, (a, b) -> (long) Math.pow(a, b), false, null);
            case "Min" -> new BinaryFunction(opType, Math::min, Math::min, false, null);
            case "Max" -> new BinaryFunction(opType, Math::max, Math::max, false, null);
            case "Mod" -> fmod
                    ? new BinaryFunction(opType, (a, b) -> a % b, (a, b) -> a % divisor(b), false, null)
                    : new BinaryFunction(opType, BinaryFunction::floorModulo, (a, b) -> Math.floorMod(a, divisor(b)), false, null);
            case "Greater" -> comparison(opType, (a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0);
            case "GreaterOrEqual" -> comparison(opType, (a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0);
            case "Less" -> comparison(opType, (a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0);
            case "LessOrEqual" -> comparison(opType, (a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0);
            case "Equal" -> comparison(opType, (a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0);
            case "And" -> comparison(opType, (a, b) -> a != 0 && b != 0 ? 1 : 0, (a, b) -> a != 0 && b != 0 ? 1 : 0);
            case "Or" -> comparison(opType, (a, b) -> a != 0 || b != 0 ? 1 : 0, (a, b) -> a != 0 || b != 0 ? 1 : 0);
            case "Xor" -> comparison(opType, (a, b) -> (a != 0) != (b != 0) ? 1 : 0, (a, b) -> (a != 0) != (b != 0) ? 1 : 0);
            default -> throw new IllegalArgumentException("not a binary operator: " + opType);
        };
    }

    private static BinaryFunction comparison(String name, DoubleBinaryOperator floats, LongBinaryOperator integers) {
        return new BinaryFunction(name, floats, integers, true, null);
    }

    /** Python's and numpy's float %: the remainder with the divisor's sign (5 % ∞ is 5, −5 % ∞ is ∞). */
    private static double floorModulo(double a, double b) {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    private static long divide(long a, long b) {
        return a / divisor(b);
    }

    private static long divisor(long b) {
        if (b == 0) {
            throw new InvalidInputException("integer division by zero");
        }
        return b;
    }
}
