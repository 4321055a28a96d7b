package org.mleruntime.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and notes to {@code err}. */
record Terminal(PrintStream out, PrintStream err, ConsoleProgress progress) {
    /** A note for the person at the terminal, on standard error so that results stay clean to pipe. */
    void note(String message) {
        progress.clear();
        err.println("note: " + message);
    }
}
