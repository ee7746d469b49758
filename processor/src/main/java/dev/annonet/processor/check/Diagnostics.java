package dev.annonet.processor.check;

import dev.annonet.processor.read.Source;
import java.util.ArrayList;
import java.util.List;

/** The errors found in one declaration, collected so that checking goes on after the first. */
public final class Diagnostics {

    public record Diagnostic(Source source, String message) {
    }

    private final List<Diagnostic> errors = new ArrayList<>();

    public void error(Source at, String message) {
        errors.add(new Diagnostic(at, message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public List<Diagnostic> errors() {
        return List.copyOf(errors);
    }
}
