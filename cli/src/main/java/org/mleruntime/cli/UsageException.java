package org.mleruntime.cli;

/** A command line that does not fit the command's usage; exits with status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
