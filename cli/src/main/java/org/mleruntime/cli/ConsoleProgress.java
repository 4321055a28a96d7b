package org.mleruntime.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.mleruntime.format.Progress;

/**
 * Progress of long work on one line of standard error, rewritten in place at most ten times a
 * second, and cleared when the work is done. Silent when standard error is not a terminal (the
 * {@code mle.progress} property says so; the Python launcher sets it).
 */
final class ConsoleProgress implements Progress {
    private final PrintStream err;
    private final boolean enabled;
    private long lastPrint;
    private int lastLength;

    ConsoleProgress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Whether progress should be shown: {@code -Dmle.progress}, else whether the JVM has a terminal. */
    static boolean wanted() {
        String p = System.getProperty("mle.progress");
        if (p != null) {
            return Boolean.parseBoolean(p);
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void update(String task, long done, long total) {
        show(done >= total, () -> total > 0
                ? String.format(Locale.ROOT, "%s: %3.0f%% (%s of %s)", task, 100.0 * done / total, Table.bytes(done), Table.bytes(total))
                : task);
    }

    /** A step of work counted in items rather than bytes. */
    void step(String task, long done, long total) {
        show(done >= total, () -> String.format(Locale.ROOT, "%s: %d of %d", task, done, total));
    }

    private synchronized void show(boolean last, java.util.function.Supplier<String> message) {
        long now = System.nanoTime();
        if (!enabled || (now - lastPrint < 100_000_000L && !last)) {
            return;
        }
        lastPrint = now;
        String text = message.get();
        err.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
        err.flush();
        lastLength = text.length();
    }

    synchronized void clear() {
        if (enabled && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }
}
