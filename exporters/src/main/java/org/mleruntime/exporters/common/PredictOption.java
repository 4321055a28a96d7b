package org.mleruntime.exporters.common;

import java.util.Map;

/**
 * The option every converter takes, {@code predict}: whether the converted model's {@code predict}
 * returns what the scikit-learn style estimator's does ({@code estimator}, labels for a classifier,
 * the default) or what the raw model object's own predict does ({@code booster}).
 */
public final class PredictOption {
    public static final String NAME = "predict";

    private PredictOption() {
    }

    /** What the option does, for a converter's {@code options()}; {@code booster} names the raw model's class. */
    public static String help(String booster) {
        return "'estimator' (default: as the scikit-learn style estimators predict, labels for a classifier) or 'booster' (as "
                + booster + " predicts)";
    }

    /** Whether {@code options} ask for the raw model object's predict; any other value than the two is an error. */
    public static boolean booster(Map<String, String> options) {
        String value = options.getOrDefault(NAME, "estimator");
        return switch (value) {
            case "estimator" -> false;
            case "booster" -> true;
            default -> throw new IllegalArgumentException("option predict must be 'estimator' or 'booster', found '" + value + "'");
        };
    }
}
