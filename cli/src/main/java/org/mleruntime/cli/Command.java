package org.mleruntime.cli;

import java.io.IOException;
import java.util.Set;

/** One {@code mle} command: its name, usage line, summary and options, and the work. */
abstract class Command {
    private final String name;
    private final String synopsis;
    private final String summary;
    private final Set<String> valueOptions;
    private final Set<String> flags;

    /**
     * @param synopsis the arguments after the command's name, as the usage line shows them
     * @param summary what the command does, in one line
     * @param valueOptions options that take a value ({@code --key FILE})
     * @param flags options that take none ({@code --json})
     */
    Command(String name, String synopsis, String summary, Set<String> valueOptions, Set<String> flags) {
        this.name = name;
        this.synopsis = synopsis;
        this.summary = summary;
        this.valueOptions = valueOptions;
        this.flags = flags;
    }

    final String name() {
        return name;
    }

    final String synopsis() {
        return synopsis;
    }

    final String summary() {
        return summary;
    }

    final Args parse(java.util.List<String> args) {
        return new Args(args, valueOptions, flags);
    }

    /** Does the work; returns the exit status. */
    abstract int run(Args args, Terminal terminal) throws IOException;
}
