package org.mleruntime.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's arguments: positional ones in order, {@code --name value} options and
 * {@code --flag} switches, each checked against what the command declares.
 */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    Args(List<String> args, Set<String> valueOptions, Set<String> flags) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.equals("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                options.put(name, "true");
            } else if (valueOptions.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else {
                List<String> known = new ArrayList<>();
                valueOptions.forEach(o -> known.add("--" + o));
                flags.forEach(f -> known.add("--" + f));
                throw new UsageException("unknown option --" + name + (known.isEmpty() ? "" : "; options: " + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    /** The positional arguments, which must number from {@code min} to {@code max}. */
    List<String> positional(int min, int max, String names) {
        if (positional.size() < min || positional.size() > max) {
            throw new UsageException("expected " + names + ", got " + (positional.isEmpty() ? "nothing" : String.join(" ", positional)));
        }
        return positional;
    }

    String option(String name) {
        return options.get(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    Path path(String name) {
        String v = options.get(name);
        return v == null ? null : Path.of(v);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    int integer(String name, int fallback, int min) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new UsageException("--" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }
}
