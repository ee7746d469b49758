package dev.annonet.processor.read;

/**
 * An annotation value of an unexpected type: javac reports the mistake itself (an unresolved
 * constant, a wrong literal), so the network is skipped without a message of ours.
 */
final class MalformedAnnotationException extends RuntimeException {
    MalformedAnnotationException(String attribute) {
        super(attribute, null, false, false);
    }
}
