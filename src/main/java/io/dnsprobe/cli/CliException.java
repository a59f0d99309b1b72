package io.dnsprobe.cli;

/** A failure the user can fix; printed as one line, exit code 2. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
