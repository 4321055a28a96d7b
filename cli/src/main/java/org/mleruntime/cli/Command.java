package org.mleruntime.cli;

import java.io.IOException;
import java.util.Set;

/** One {@code mle} command: its name, usage and options, and the work. */
interface Command {
    String name();

    /** The arguments after the command's name, as the usage line shows them. */
    String synopsis();

    /** What the command does, in one line. */
    String summary();

    Set<String> valueOptions();

    default Set<String> flags() {
        return Set.of();
    }

    /** Does the work; returns the exit status. */
    int run(Args args, Terminal terminal) throws IOException;
}
