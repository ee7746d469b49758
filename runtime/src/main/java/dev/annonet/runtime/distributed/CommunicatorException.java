package dev.annonet.runtime.distributed;

/** A collective operation failed: a peer died, timed out, or disagreed; the message names the ranks. */
public final class CommunicatorException extends RuntimeException {
    public CommunicatorException(String message) {
        super(message);
    }

    public CommunicatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
