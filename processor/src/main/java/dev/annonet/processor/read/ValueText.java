package dev.annonet.processor.read;

import java.util.List;
import java.util.stream.Collectors;

/** Annotation values written back as Java source, for messages and generated comments. */
public final class ValueText {
    /** Longer arrays (fixed kernels) are abbreviated. */
    private static final int MAX_ELEMENTS = 8;

    private ValueText() {
    }

    public static String of(Object value) {
        if (value instanceof List<?> list) {
            return list(list);
        }
        if (value instanceof String string) {
            return '"' + string + '"';
        }
        if (value instanceof Float number) {
            return number(number.doubleValue(), Float.toString(number));
        }
        if (value instanceof Double number) {
            return number(number, Double.toString(number));
        }
        return String.valueOf(value);
    }

    private static String list(List<?> list) {
        if (list.size() == 1) {
            return of(list.get(0));
        }
        if (list.size() > MAX_ELEMENTS) {
            return "{" + list.stream().limit(3).map(ValueText::of).collect(Collectors.joining(", "))
                    + ", ... (" + list.size() + " values)}";
        }
        return list.stream().map(ValueText::of).collect(Collectors.joining(", ", "{", "}"));
    }

    /** {@code 1} rather than {@code 1.0}; other values as Java prints them. */
    private static String number(double value, String printed) {
        boolean integral = value == Math.rint(value) && Math.abs(value) < 1e9;
        return integral ? Long.toString((long) value) : printed;
    }
}
