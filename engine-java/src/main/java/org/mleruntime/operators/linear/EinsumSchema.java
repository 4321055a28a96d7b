package org.mleruntime.operators.linear;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Einsum (ONNX opset 12) over explicit subscripts: {@code "bqhd,bkhd->bhqk"}, one letter per axis,
 * the output's letters after {@code ->} (or, without it, the letters used once, in alphabetical
 * order). A letter's axes must agree in size; the letters not in the output are summed over.
 * Ellipses are refused.
 *
 * @param operands each input's letters
 * @param output the output's letters
 */
record EinsumSchema(List<String> operands, String output) {
    static EinsumSchema parse(Node n, int inputs) {
        String equation = n.stringAttr("equation", "").replace(" ", "");
        if (equation.contains(".")) {
            throw error(n, "ellipses in '" + equation + "' are not supported");
        }
        int arrow = equation.indexOf("->");
        String left = arrow < 0 ? equation : equation.substring(0, arrow);
        List<String> operands = List.of(left.split(",", -1));
        if (operands.size() != inputs) {
            throw error(n, "equation '" + equation + "' has " + operands.size() + " operands for " + inputs + " inputs");
        }
        String output;
        if (arrow >= 0) {
            output = equation.substring(arrow + 2);
        } else {
            StringBuilder once = new StringBuilder();
            left.chars().filter(Character::isLetter).distinct().sorted()
                    .filter(ch -> left.chars().filter(x -> x == ch).count() == 1).forEach(ch -> once.append((char) ch));
            output = once.toString();
        }
        for (String s : operands) {
            if (!s.chars().allMatch(Character::isLetter)) {
                throw error(n, "equation '" + equation + "' has a subscript other than letters");
            }
        }
        if (!output.chars().allMatch(ch -> Character.isLetter(ch) && left.indexOf(ch) >= 0) || output.chars().distinct().count() != output.length()) {
            throw error(n, "output subscripts '" + output + "' must be distinct letters of the operands");
        }
        return new EinsumSchema(operands, output);
    }

    static List<ValueInfo> einsum(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, Integer.MAX_VALUE);
        floating(n, in.getFirst());
        in.forEach(v -> sameDtype(n, in.getFirst(), v));
        EinsumSchema e = parse(n, in.size());
        Map<Character, Long> sizes = new LinkedHashMap<>();
        Map<Character, String> names = new LinkedHashMap<>();
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i).shape();
            String letters = e.operands().get(i);
            if (letters.length() != s.rank()) {
                throw error(n, "operand " + i + " has " + s.rank() + " axes, its subscripts '" + letters + "' " + letters.length());
            }
            for (int a = 0; a < s.rank(); a++) {
                char l = letters.charAt(a);
                Long before = sizes.get(l);
                if (before == null || before == Shape.BATCH) {
                    sizes.put(l, s.dim(a));
                    names.put(l, s.symbol(a));
                } else if (s.dim(a) != Shape.BATCH && s.dim(a) != before) {
                    throw error(n, "subscript '" + l + "' has sizes " + before + " and " + s.dim(a));
                }
            }
        }
        List<Long> dims = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        for (char l : e.output().toCharArray()) {
            dims.add(sizes.get(l));
            symbols.add(names.get(l));
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims.stream().mapToLong(Long::longValue).toArray(), symbols.toArray(String[]::new))));
    }
}
