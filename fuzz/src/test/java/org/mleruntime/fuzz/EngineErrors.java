package org.mleruntime.fuzz;

import org.mleruntime.MleException;
import org.mleruntime.MleModel;

/**
 * Tells the engine's documented answers to a bad file from the failures some of them wrap. An
 * Error among the causes (the JVM ran out of memory or stack) is never an answer; nor is the
 * non-engine exception that {@link MleModel#open} turns into an InvalidModelException so that its
 * callers see one type, since that is a declaration no check caught. Either is handed to the
 * fuzzer as the failure it is.
 */
final class EngineErrors {
    private EngineErrors() {}

    /** Returns when {@code e} is a documented answer; otherwise throws what it wraps. */
    static void acceptOnlyDocumented(MleException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof Error error) {
                throw error;
            }
        }
        if (e.getCause() instanceof RuntimeException internal && !(internal instanceof MleException) && raisedIn(e, MleModel.class)) {
            throw internal;
        }
    }

    private static boolean raisedIn(Throwable e, Class<?> type) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().equals(type.getName());
    }
}
