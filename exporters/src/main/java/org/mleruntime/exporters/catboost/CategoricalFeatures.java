package org.mleruntime.exporters.catboost;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.common.GraphAssembler;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonObject;
import org.mleruntime.exporters.common.TreeEnsembleBuilder;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;

/**
 * CatBoost's categorical features, for models whose categories are integers, turned into columns
 * the symmetric trees split on with {@code x > border}: one column per CTR (a target statistic of a
 * combination of categorical values, binary float splits and one-hot matches, looked up in the
 * model's tables) and one 0/1 column per one-hot split. One TreeEnsemble computes them all from the
 * input; the trees read [X, those columns].
 *
 * <h2>Fields read (besides the float features)</h2>
 * <pre>
 * features_info.categorical_features[i]   feature_index i, flat_feature_index (the input column),
 *                                         values (the one-hot value hashes of a one-hot feature)
 * features_info.cat_features_hash[]       {hash, value} of the training categories (only when saved
 *                                         with its pool); else the categories are found by hashing
 *                                         the integers in [−2^24, 2^24], nearest to 0 first
 * features_info.ctrs[k]                   elements (the combination: cat_feature_value,
 *                                         float_feature {float_feature_index, border},
 *                                         cat_feature_exact_value {cat_feature_index, value}),
 *                                         ctr_type, target_border_idx, prior_numerator,
 *                                         prior_denomerator, shift, scale, borders, identifier
 * ctr_data[identifier]                    hash_stride, counter_denominator, hash_map: per entry the
 *                                         combination key (unsigned, as a string), then the counts
 * oblivious_trees[t].splits[j]            OnlineCtr {split_index, border, ctr_target_border_idx},
 *                                         OneHotFeature {cat_feature_index, value}
 * </pre>
 *
 * <h2>What is computed, as CatBoost's evaluator does (static_ctr_provider.cpp, online_ctr.h)</h2>
 * CatBoost reads a category as text and hashes it ({@link CatBoostHash}); an integer category is its
 * decimal text. A CTR's key folds its categorical values' hashes, then its float splits' bits
 * (x &gt; border), then its one-hot bits (value = the one-hot value). The CTR is
 * {@code ((count + prior_numerator) / (total + prior_denomerator) + shift) · scale}, in float32,
 * with count and total from the key's table entry (Borders: the classes above target_border_idx
 * over all; Buckets: class target_border_idx over all; Counter: the entry's count over
 * counter_denominator), or 0 and 0 (Counter: 0 and the denominator) for a key not in the table.
 *
 * <p>Here every key of every table is matched, when the model is converted, to the integer
 * categories it stands for, and the CTR of each combination becomes a leaf of a tree that tests
 * those exact values (x in (nextafter(v, −∞), v] is x = v). A combination the table does not hold,
 * a category never seen in training, a fraction or NaN reaches the empty-key value. The
 * conversion is refused when a table key matches no combination of the categories found, which is
 * what string categories or integers beyond 2^24 (inputs are float32) give.
 */
final class CategoricalFeatures {
    /** Categories are searched among the integers of magnitude up to this: float32 holds them exactly. */
    private static final int SEARCH_LIMIT = 1 << 24;
    /** The most category combinations one CTR table may need to tabulate. */
    private static final long COMBINATION_LIMIT = 1L << 22;
    /** A table slot that holds nothing (TBucket::InvalidHashValue). */
    private static final long EMPTY_SLOT = -1L;

    private enum Kind { CATEGORY, FLOAT_SPLIT, ONE_HOT }

    /** One element of a CTR's combination. */
    private record Element(Kind kind, int feature, float border, long valueHash) {}

    /** A CTR: its combination, statistic and the borders its splits compare with. */
    private record Ctr(String identifier, String type, List<Element> elements, int targetBorderIdx, float priorNum, float priorDenom,
                       float shift, float scale, float[] borders) {
        /** CatBoost's TModelCtr::Calc, in float32. */
        float calc(float count, float total) {
            float ctr = (count + priorNum) / (total + priorDenom);
            return (ctr + shift) * scale;
        }
    }

    /** A CTR table: each key's counts. */
    private record Table(int stride, int counterDenominator, Map<Long, int[]> rows) {}

    /** A column the symmetric trees split on: its index among the derived columns and the border (bit = x > border). */
    record Split(int column, float border) {}

    private final int[] catColumn;
    private final int[] floatColumn;
    private final boolean[] floatNanRight;
    private final List<Ctr> ctrs = new ArrayList<>();
    private final int ctrSplitOffset;
    private final int[] ctrBorderOffset;
    private final Map<String, Table> tables = new HashMap<>();
    /** Per categorical feature: its categories found, value hash → integer value. */
    private final List<Map<Long, Long>> categories = new ArrayList<>();
    /** The derived columns in order: CTR k, or a one-hot match (feature, value hash). */
    private final List<Object> columns = new ArrayList<>();
    private final List<long[]> oneHotValues;
    private final Map<Object, Integer> columnIndex = new HashMap<>();

    private CategoricalFeatures(JsonObject features, int[] floatColumn, boolean[] floatNanRight, int floatBorderCount) {
        this.floatColumn = floatColumn;
        this.floatNanRight = floatNanRight;
        JsonArray cats = features.array("categorical_features");
        catColumn = new int[cats.size()];
        List<long[]> oneHotValues = new ArrayList<>();
        int oneHotCount = 0;
        for (int i = 0; i < cats.size(); i++) {
            JsonObject c = cats.object(i);
            int index = c.intIn("feature_index", 0, cats.size() - 1);
            catColumn[index] = c.intIn("flat_feature_index", 0, (1 << 24) - 1);
            JsonArray values = c.optArray("values");
            long[] hashes = values == null ? new long[0] : unsigned32(values);
            while (oneHotValues.size() <= index) {
                oneHotValues.add(new long[0]);
            }
            oneHotValues.set(index, hashes);
            oneHotCount += hashes.length;
        }
        ctrSplitOffset = floatBorderCount + oneHotCount;
        JsonArray list = features.optArray("ctrs");
        int n = list == null ? 0 : list.size();
        ctrBorderOffset = new int[n + 1];
        for (int k = 0; k < n; k++) {
            Ctr ctr = readCtr(list.object(k));
            ctrs.add(ctr);
            ctrBorderOffset[k + 1] = ctrBorderOffset[k] + ctr.borders.length;
        }
        for (int c = 0; c < catColumn.length; c++) {
            categories.add(new TreeMap<>());
        }
        this.oneHotValues = oneHotValues;
    }

    private static long[] unsigned32(JsonArray values) {
        String[] texts = values.texts();
        long[] out = new long[texts.length];
        for (int k = 0; k < out.length; k++) {
            try {
                out[k] = Long.parseLong(texts[k]) & 0xFFFF_FFFFL;
            } catch (NumberFormatException e) {
                throw new InvalidModelException(values.where(k) + " must be a 32-bit category hash, found " + texts[k]);
            }
        }
        return out;
    }

    /** The categorical features of {@code root}, or null when the model has none. */
    static CategoricalFeatures read(JsonObject root, int[] floatColumn, boolean[] floatNanRight, int floatBorderCount) {
        JsonObject features = root.object("features_info");
        JsonArray cats = features.optArray("categorical_features");
        if (cats == null || cats.size() == 0) {
            return null;
        }
        CategoricalFeatures out = new CategoricalFeatures(features, floatColumn, floatNanRight, floatBorderCount);
        out.readTables(root);
        out.findCategories(features, out.oneHotValues);
        return out;
    }

    /** The input columns of the categorical features. */
    int[] inputColumns() {
        return catColumn.clone();
    }

    private Ctr readCtr(JsonObject c) {
        List<Element> elements = new ArrayList<>();
        JsonArray list = c.array("elements");
        for (int i = 0; i < list.size(); i++) {
            JsonObject e = list.object(i);
            String kind = e.string("combination_element");
            elements.add(switch (kind) {
                case "cat_feature_value" -> new Element(Kind.CATEGORY, e.intIn("cat_feature_index", 0, catColumn.length - 1), 0, 0);
                case "float_feature" -> new Element(Kind.FLOAT_SPLIT, e.intIn("float_feature_index", 0, floatColumn.length - 1),
                        CatBoostConverter.floatAtOrBelow(e.doubleValue("border")), 0);
                case "cat_feature_exact_value" -> new Element(Kind.ONE_HOT, e.intIn("cat_feature_index", 0, catColumn.length - 1), 0,
                        e.number("value").asLong(e.where("value")) & 0xFFFF_FFFFL);
                default -> throw new UnsupportedModelException(e.where("combination_element") + ": combination element '" + kind
                        + "' is not supported; supported: cat_feature_value, float_feature, cat_feature_exact_value");
            });
        }
        // CatBoost folds the categorical values first, then the float splits, then the one-hot matches.
        elements.sort((a, b) -> Integer.compare(a.kind.ordinal(), b.kind.ordinal()));
        String type = c.string("ctr_type");
        if (!List.of("Borders", "Buckets", "Counter", "FeatureFreq").contains(type)) {
            throw new UnsupportedModelException(c.where("ctr_type") + ": CTR type '" + type + "' is not supported; supported: Borders, "
                    + "Buckets, Counter, FeatureFreq");
        }
        return new Ctr(c.string("identifier"), type, elements, (int) c.optLong("target_border_idx", 0),
                (float) c.doubleValue("prior_numerator"), (float) c.doubleValue("prior_denomerator"), (float) c.doubleValue("shift"),
                (float) c.doubleValue("scale"), c.array("borders").floats());
    }

    private void readTables(JsonObject root) {
        Set<String> needed = new HashSet<>();
        ctrs.forEach(c -> needed.add(c.identifier));
        JsonObject data = needed.isEmpty() ? null : root.object("ctr_data");
        for (String identifier : needed) {
            if (!data.has(identifier)) {
                throw new InvalidModelException(data.where(null) + " has no table for CTR " + identifier);
            }
            JsonObject t = data.object(identifier);
            int stride = t.intIn("hash_stride", 2, 1 << 16);
            String[] cells = t.array("hash_map").texts();
            if (cells.length % stride != 0) {
                throw new InvalidModelException(t.where("hash_map") + " has " + cells.length + " cells, not a multiple of its stride " + stride);
            }
            Map<Long, int[]> rows = new HashMap<>();
            try {
                for (int at = 0; at < cells.length; at += stride) {
                    long key = Long.parseUnsignedLong(cells[at]);
                    if (key == EMPTY_SLOT) {
                        continue;
                    }
                    int[] counts = new int[stride - 1];
                    for (int k = 0; k < counts.length; k++) {
                        counts[k] = Integer.parseInt(cells[at + 1 + k]);
                    }
                    rows.put(key, counts);
                }
            } catch (NumberFormatException e) {
                throw new InvalidModelException(t.where("hash_map") + ": " + e.getMessage() + " is not a key or a count");
            }
            tables.put(identifier, new Table(stride, (int) t.optLong("counter_denominator", 0), rows));
        }
    }

    /**
     * The categories of each feature. A feature's categories are identified by its one-hot value
     * hashes and the keys of its one-feature CTR tables; the candidates are cat_features_hash's
     * values when the file has them, else the integers, hashed nearest to 0 first until every
     * identifier is accounted for. A feature with neither takes every candidate.
     */
    private void findCategories(JsonObject features, List<long[]> oneHotValues) {
        List<Set<Long>> wantedHashes = new ArrayList<>();
        List<Set<Long>> wantedKeys = new ArrayList<>();
        for (int c = 0; c < catColumn.length; c++) {
            Set<Long> hashes = new HashSet<>();
            for (long h : c < oneHotValues.size() ? oneHotValues.get(c) : new long[0]) {
                hashes.add(h);
            }
            wantedHashes.add(hashes);
            wantedKeys.add(new HashSet<>());
        }
        for (Ctr ctr : ctrs) {
            if (ctr.elements.size() == 1 && ctr.elements.getFirst().kind == Kind.CATEGORY) {
                wantedKeys.get(ctr.elements.getFirst().feature).addAll(tables.get(ctr.identifier).rows.keySet());
            }
        }
        JsonArray known = features.optArray("cat_features_hash");
        if (known != null && known.size() > 0) {
            for (int i = 0; i < known.size(); i++) {
                JsonObject e = known.object(i);
                long value = integerCategory(e.string("value"), e);
                long hash = e.number("hash").asLong(e.where("hash")) & 0xFFFF_FFFFL;
                for (int c = 0; c < catColumn.length; c++) {
                    boolean identified = wantedHashes.get(c).isEmpty() && wantedKeys.get(c).isEmpty();
                    if (identified || wantedHashes.get(c).contains(hash) || wantedKeys.get(c).contains(keyOf(hash))) {
                        categories.get(c).put(hash, value);
                    }
                }
            }
            return;
        }
        List<Set<Long>> pending = new ArrayList<>();
        LongSet wanted = new LongSet();
        long remaining = 0;
        for (int c = 0; c < catColumn.length; c++) {
            Set<Long> p = new HashSet<>(wantedHashes.get(c));
            wantedKeys.get(c).forEach(k -> p.add(~k));
            pending.add(p);
            remaining += p.size();
            wantedHashes.get(c).forEach(wanted::add);
            wantedKeys.get(c).forEach(wanted::add);
        }
        byte[] digits = new byte[20];
        for (long i = 0; remaining > 0 && i <= SEARCH_LIMIT; i = i > 0 ? -i : 1 - i) {
            long hash = CatBoostHash.integerHash(i, digits);
            long key = keyOf(hash);
            if (!wanted.contains(hash) && !wanted.contains(key)) {
                continue;
            }
            for (int c = 0; c < catColumn.length; c++) {
                if (wantedHashes.get(c).contains(hash) || wantedKeys.get(c).contains(key)) {
                    categories.get(c).put(hash, i);
                    Set<Long> p = pending.get(c);
                    remaining -= (p.remove(hash) ? 1 : 0) + (p.remove(~key) ? 1 : 0);
                }
            }
        }
        if (remaining > 0) {
            throw new UnsupportedModelException("categorical features: " + remaining + " of the model's categories are not integers of "
                    + "magnitude up to 2^24; only integer categories are supported, which the engine reads as float32 numbers; "
                    + "string categories are not supported (encode them as integers before training)");
        }
    }

    /** The key of a one-feature CTR table for the category with this hash. */
    private static long keyOf(long valueHash) {
        return CatBoostHash.combine(0, CatBoostHash.element(valueHash));
    }

    private static long integerCategory(String text, JsonObject where) {
        try {
            long v = Long.parseLong(text);
            if (Long.toString(v).equals(text) && Math.abs(v) <= SEARCH_LIMIT) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UnsupportedModelException(where.where("value") + ": category '" + text + "' is not an integer of magnitude up to 2^24: "
                + "only integer categories are supported, which the engine reads as float32 numbers; string categories are not "
                + "supported (encode them as integers before training)");
    }

    /** The derived column and border of an OnlineCtr split of a tree. */
    Split ctrSplit(JsonObject split) {
        int index = split.intIn("split_index", 0, Integer.MAX_VALUE) - ctrSplitOffset;
        int k = 0;
        while (k < ctrs.size() && ctrBorderOffset[k + 1] <= index) {
            k++;
        }
        if (index < 0 || k == ctrs.size()) {
            throw new InvalidModelException(split.where("split_index") + " names no CTR border");
        }
        Ctr ctr = ctrs.get(k);
        int at = index - ctrBorderOffset[k];
        float border = (float) split.doubleValue("border");
        if (ctr.borders[at] != border || split.optLong("ctr_target_border_idx", 0) != ctr.targetBorderIdx) {
            throw new InvalidModelException(split.where("split_index") + ": CTR " + k + "'s border " + at + " is " + ctr.borders[at]
                    + " for target border " + ctr.targetBorderIdx + ", the split says " + border);
        }
        return new Split(column(k), border);
    }

    /** The derived column (1 where the feature's category has the value's hash, else 0) of a OneHotFeature split. */
    Split oneHotSplit(JsonObject split) {
        int c = split.intIn("cat_feature_index", 0, catColumn.length - 1);
        long hash = split.number("value").asLong(split.where("value")) & 0xFFFF_FFFFL;
        if (!categories.get(c).containsKey(hash)) {
            throw new InvalidModelException(split.where("value") + ": one-hot value " + hash + " is not a category of feature " + c);
        }
        return new Split(column(List.of(c, hash)), 0.5f);
    }

    private int column(Object what) {
        return columnIndex.computeIfAbsent(what, w -> {
            columns.add(w);
            return columns.size() - 1;
        });
    }

    /**
     * Adds the TreeEnsemble computing the derived columns from {@code input} (float32 [N, width])
     * and returns the name of [X as float64, derived columns], which the trees read.
     */
    String addTo(GraphAssembler g, String input, int width) {
        TreeEnsembleBuilder trees = new TreeEnsembleBuilder(width, 1, DType.FLOAT64, DType.FLOAT64);
        for (int d = 0; d < columns.size(); d++) {
            ExplicitTree tree = new ExplicitTree();
            if (columns.get(d) instanceof Integer k) {
                ctrTree(tree, ctrs.get(k));
            } else {
                List<?> oneHot = (List<?>) columns.get(d);
                int c = (Integer) oneHot.get(0);
                long value = categories.get(c).get((Long) oneHot.get(1));
                tree.match(catColumn[c], new long[] {value}, i -> tree.leaf(1.0), () -> tree.leaf(0.0));
            }
            trees.addTree(tree, d, "categorical column " + d);
        }
        String derived = "categorical_columns";
        trees.addTo(g, input, derived, columns.size(), new double[columns.size()], "sum", "le");
        String wide = g.node("Cast", List.of(input), Map.of("to", new Attribute.Str("float64")), null);
        return g.node("Concat", List.of(wide, derived), Map.of("axis", new Attribute.Int(1)), null);
    }

    /** How many columns {@link #addTo} derives. */
    int derivedColumns() {
        return columns.size();
    }

    /** A tree whose leaf for each row is the CTR of the row's combination. */
    private void ctrTree(ExplicitTree tree, Ctr ctr) {
        Table table = tables.get(ctr.identifier);
        float empty = ctr.type.equals("Counter") || ctr.type.equals("FeatureFreq") ? ctr.calc(0, table.counterDenominator) : ctr.calc(0, 0);
        List<long[]> combinations = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        Set<Long> matched = new HashSet<>();
        long[] current = new long[ctr.elements.size()];
        long total = 1;
        for (Element e : ctr.elements) {
            total *= e.kind == Kind.CATEGORY ? Math.max(1, categories.get(e.feature).size()) : 2;
            if (total > COMBINATION_LIMIT) {
                throw new UnsupportedModelException("CTR " + ctr.identifier + " combines too many categories to tabulate (more than "
                        + COMBINATION_LIMIT + " combinations)");
            }
        }
        enumerate(ctr, table, 0, 0L, current, combinations, values, matched);
        if (matched.size() != table.rows.size()) {
            throw new UnsupportedModelException("CTR " + ctr.identifier + ": " + (table.rows.size() - matched.size()) + " of its "
                    + table.rows.size() + " table entries match no combination of the categories found; only integer categories of "
                    + "magnitude up to 2^24 are supported");
        }
        build(tree, ctr, 0, combinations, values, empty);
    }

    private void enumerate(Ctr ctr, Table table, int depth, long key, long[] current, List<long[]> combinations, List<Float> values,
                           Set<Long> matched) {
        if (depth == ctr.elements.size()) {
            int[] row = table.rows.get(key);
            if (row != null) {
                matched.add(key);
                combinations.add(current.clone());
                values.add(ctrValue(ctr, row, table));
            }
            return;
        }
        Element e = ctr.elements.get(depth);
        if (e.kind == Kind.CATEGORY) {
            for (Map.Entry<Long, Long> category : categories.get(e.feature).entrySet()) {
                current[depth] = category.getValue();
                enumerate(ctr, table, depth + 1, CatBoostHash.combine(key, CatBoostHash.element(category.getKey())), current, combinations,
                        values, matched);
            }
        } else {
            for (int bit = 0; bit < 2; bit++) {
                current[depth] = bit;
                enumerate(ctr, table, depth + 1, CatBoostHash.combine(key, bit), current, combinations, values, matched);
            }
        }
    }

    private static float ctrValue(Ctr ctr, int[] row, Table table) {
        return switch (ctr.type) {
            case "Counter", "FeatureFreq" -> ctr.calc(row[0], table.counterDenominator);
            case "Buckets" -> {
                int total = 0;
                for (int count : row) {
                    total += count;
                }
                yield ctr.calc(row[ctr.targetBorderIdx], total);
            }
            default -> {
                if (row.length == 2) {
                    yield ctr.calc(row[1], row[0] + row[1]);
                }
                int good = 0;
                int total = 0;
                for (int c = 0; c < row.length; c++) {
                    if (c <= ctr.targetBorderIdx) {
                        total += row[c];
                    } else {
                        good += row[c];
                    }
                }
                yield ctr.calc(good, total + good);
            }
        };
    }

    /** The subtree for elements {@code depth..}, over the combinations (all agreeing on the elements before). */
    private int build(ExplicitTree tree, Ctr ctr, int depth, List<long[]> combinations, List<Float> values, float empty) {
        if (combinations.isEmpty()) {
            return tree.leaf(empty);
        }
        if (depth == ctr.elements.size()) {
            return tree.leaf(values.getFirst());
        }
        Element e = ctr.elements.get(depth);
        Map<Long, List<Integer>> byValue = new TreeMap<>();
        for (int i = 0; i < combinations.size(); i++) {
            byValue.computeIfAbsent(combinations.get(i)[depth], v -> new ArrayList<>()).add(i);
        }
        return switch (e.kind) {
            case CATEGORY -> {
                long[] keys = byValue.keySet().stream().mapToLong(Long::longValue).toArray();
                yield tree.match(catColumn[e.feature], keys, i -> build(tree, ctr, depth + 1, select(combinations, byValue.get(keys[i])),
                        selectValues(values, byValue.get(keys[i])), empty), () -> tree.leaf(empty));
            }
            case FLOAT_SPLIT -> {
                List<Integer> low = byValue.getOrDefault(0L, List.of());
                List<Integer> high = byValue.getOrDefault(1L, List.of());
                IntSupplier left = () -> build(tree, ctr, depth + 1, select(combinations, low), selectValues(values, low), empty);
                IntSupplier right = () -> build(tree, ctr, depth + 1, select(combinations, high), selectValues(values, high), empty);
                yield tree.split(floatColumn[e.feature], e.border, !floatNanRight[e.feature], left, right);
            }
            case ONE_HOT -> {
                List<Integer> other = byValue.getOrDefault(0L, List.of());
                List<Integer> equal = byValue.getOrDefault(1L, List.of());
                Long value = categories.get(e.feature).get(e.valueHash);
                if (value == null) {
                    throw new InvalidModelException("a one-hot split of categorical feature " + e.feature + " compares with hash "
                            + e.valueHash + ", which none of the feature's categories has");
                }
                yield tree.match(catColumn[e.feature], new long[] {value},
                        i -> build(tree, ctr, depth + 1, select(combinations, equal), selectValues(values, equal), empty),
                        () -> build(tree, ctr, depth + 1, select(combinations, other), selectValues(values, other), empty));
            }
        };
    }

    private static List<long[]> select(List<long[]> all, List<Integer> indices) {
        List<long[]> out = new ArrayList<>(indices.size());
        indices.forEach(i -> out.add(all.get(i)));
        return out;
    }

    private static List<Float> selectValues(List<Float> all, List<Integer> indices) {
        List<Float> out = new ArrayList<>(indices.size());
        indices.forEach(i -> out.add(all.get(i)));
        return out;
    }

    /** A set of longs by open addressing: the search above probes it tens of millions of times. */
    private static final class LongSet {
        private long[] slots = new long[16];
        private boolean[] used = new boolean[16];
        private int size;

        void add(long v) {
            if (2 * (size + 1) > slots.length) {
                long[] oldSlots = slots;
                boolean[] oldUsed = used;
                slots = new long[oldSlots.length * 2];
                used = new boolean[oldSlots.length * 2];
                size = 0;
                for (int i = 0; i < oldSlots.length; i++) {
                    if (oldUsed[i]) {
                        add(oldSlots[i]);
                    }
                }
            }
            int at = slot(v);
            if (!used[at]) {
                used[at] = true;
                slots[at] = v;
                size++;
            }
        }

        boolean contains(long v) {
            return used[slot(v)];
        }

        /** The slot holding v, or the empty slot where it would go. */
        private int slot(long v) {
            int mask = slots.length - 1;
            int at = (int) (v ^ v >>> 29) * 0x9E3779B9 >>> 7 & mask;
            while (used[at] && slots[at] != v) {
                at = at + 1 & mask;
            }
            return at;
        }
    }

    /** A tree given node by node, with float64 thresholds and {@code x ≤ threshold} going left. */
    private static final class ExplicitTree implements TreeEnsembleBuilder.TreeSource {
        private final List<int[]> internal = new ArrayList<>();
        private final List<Double> thresholds = new ArrayList<>();
        private final List<Double> leaves = new ArrayList<>();
        /** Node ids: internal node i is 2i, leaf j is 2j + 1. */
        private int root = -1;

        int leaf(double value) {
            leaves.add(value);
            return 2 * (leaves.size() - 1) + 1;
        }

        /** A split node: x ≤ threshold goes to the node {@code left} builds, else to {@code right}'s; NaN left when {@code nanLeft}. */
        int split(int column, double threshold, boolean nanLeft, IntSupplier left, IntSupplier right) {
            int at = internal.size();
            internal.add(new int[] {column | (nanLeft ? DEFAULT_LEFT : 0), 0, 0});
            thresholds.add(threshold);
            int id = 2 * at;
            if (root < 0) {
                root = id;
            }
            internal.get(at)[1] = left.getAsInt();
            internal.get(at)[2] = right.getAsInt();
            return id;
        }

        /**
         * A balanced tree on {@code column} whose leaf for x = values[i] (exactly, the values sorted)
         * is the node {@code matched} builds for i, and elsewhere (NaN included) a node {@code other}
         * builds, once for each gap between the values.
         */
        int match(int column, long[] values, java.util.function.IntUnaryOperator matched, IntSupplier other) {
            double[] bounds = new double[2 * values.length];
            for (int i = 0; i < values.length; i++) {
                bounds[2 * i] = Math.nextDown((double) values[i]);
                bounds[2 * i + 1] = values[i];
            }
            return intervals(column, bounds, 0, bounds.length, matched, other);
        }

        /** Intervals lo..hi, interval k being (bounds[k−1], bounds[k]]: odd ones are exact values. */
        private int intervals(int column, double[] bounds, int lo, int hi, java.util.function.IntUnaryOperator matched, IntSupplier other) {
            if (lo == hi) {
                return lo % 2 == 1 ? matched.applyAsInt(lo / 2) : other.getAsInt();
            }
            int middle = (lo + hi) >>> 1;
            return split(column, bounds[middle], false, () -> intervals(column, bounds, lo, middle, matched, other),
                    () -> intervals(column, bounds, middle + 1, hi, matched, other));
        }

        @Override
        public int nodeCount() {
            return Math.max(2 * internal.size(), 2 * leaves.size());
        }

        @Override
        public int root() {
            return root >= 0 ? root : 1;
        }

        @Override
        public boolean isLeaf(int node) {
            return node % 2 == 1;
        }

        @Override
        public int left(int node) {
            return internal.get(node / 2)[1];
        }

        @Override
        public int right(int node) {
            return internal.get(node / 2)[2];
        }

        @Override
        public int feature(int node) {
            return internal.get(node / 2)[0] & ~DEFAULT_LEFT;
        }

        @Override
        public int flags(int node) {
            return internal.get(node / 2)[0] & DEFAULT_LEFT;
        }

        @Override
        public double threshold(int node) {
            return thresholds.get(node / 2);
        }

        @Override
        public int[] categories(int node) {
            return null;
        }

        @Override
        public void leaf(int node, double[] out) {
            out[0] = leaves.get(node / 2);
        }
    }
}
