package org.mleruntime.format;

/**
 * Told how far long work has come (coding sections, copying and hashing a file), so that a command
 * line can show it. Called from several threads at once; {@code done} only grows within a task.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (task, done, total) -> { };

    void update(String task, long done, long total);
}
