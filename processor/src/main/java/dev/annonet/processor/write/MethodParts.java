package dev.annonet.processor.write;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits generated code into parts small enough for one method each. A method's bytecode is at
 * most 64 KB, and HotSpot compiles none above 8000 bytes (they stay interpreted), so the passes
 * of a large network are written as several methods, each under that size.
 */
final class MethodParts {
    /**
     * Source characters of straight-line calls in one part of a pass. The calls' text is at
     * least as long as their bytecode (every argument takes one byte or more of text for each
     * byte it compiles to, separators counted), so a part of this much text compiles under 8000 bytes.
     */
    static final int PASS_TEXT = 7000;
    /**
     * Source characters of layout rows in one part of the layout's initializer: a row's varargs
     * array compiles to about three bytes per character, so a part stays far under 64 KB.
     */
    static final int LAYOUT_TEXT = 15000;

    private MethodParts() {
    }

    /** {@code items} in order, in consecutive groups whose sizes add up to at most {@code limit} (an item above it alone). */
    static <T> List<List<T>> split(List<T> items, ToIntFunction<T> size, int limit) {
        List<List<T>> parts = new ArrayList<>();
        List<T> part = new ArrayList<>();
        int total = 0;
        for (T item : items) {
            int itemSize = size.applyAsInt(item);
            if (!part.isEmpty() && total + itemSize > limit) {
                parts.add(part);
                part = new ArrayList<>();
                total = 0;
            }
            part.add(item);
            total += itemSize;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }
}
