package dev.annonet.runtime.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON as safetensors headers use it: objects, arrays, strings, integers (as Long), other
 * numbers (as Double), true/false/null. Strict: anything else, a duplicate key, or nesting
 * deeper than {@link #MAX_DEPTH} is an error with its position, so a corrupt header is reported,
 * never half-read, and no header can exhaust the stack.
 */
final class Json {
    /** Far more than a safetensors header needs (three levels), far less than the stack allows. */
    static final int MAX_DEPTH = 64;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern HEX4 = Pattern.compile("[0-9a-fA-F]{4}");

    private final String text;
    private int position;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    static Map<String, Object> parseObject(String text) {
        Json json = new Json(text);
        json.skipWhitespace();
        Map<String, Object> object = json.object();
        json.skipWhitespace();
        if (json.position != text.length()) {
            throw json.error("unexpected text after the header object");
        }
        return object;
    }

    /** {@code s}, cut short for an error message: a corrupt header can hold a name of megabytes. */
    static String excerpt(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private Object value() {
        skipWhitespace();
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(position);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        expect('{');
        enter();
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (peek('}')) {
            position++;
            depth--;
            return object;
        }
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            if (object.put(key, value()) != null) {
                throw error("duplicate key " + quote(excerpt(key)));
            }
            skipWhitespace();
            if (peek(',')) {
                position++;
            } else {
                expect('}');
                depth--;
                return object;
            }
        }
    }

    private List<Object> array() {
        expect('[');
        enter();
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (peek(']')) {
            position++;
            depth--;
            return array;
        }
        while (true) {
            array.add(value());
            skipWhitespace();
            if (peek(',')) {
                position++;
            } else {
                expect(']');
                depth--;
                return array;
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("objects and arrays nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == '"') {
                return wellFormed(out.toString());
            }
            if (c < 0x20) {
                throw error(String.format("control character U+%04X in a string", (int) c));
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (position >= text.length()) {
                break;
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length() || !HEX4.matcher(text.substring(position, position + 4)).matches()) {
                        throw error("bad \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> throw error("bad escape \\" + escaped);
            }
        }
        throw error("unterminated string");
    }

    /** {@code s} when its escapes made no unpaired surrogate, which no UTF-8 file could hold. */
    private String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error(String.format("unpaired surrogate \\u%04x in a string", (int) c));
            }
        }
        return s;
    }

    private Object number() {
        int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
        String token = text.substring(start, position);
        if (token.isEmpty()) {
            throw error("unexpected character '" + text.charAt(start) + "'");
        }
        if (!NUMBER.matcher(token).matches()) {
            throw error("bad number " + excerpt(token));
        }
        if (!INTEGER.matcher(token).matches()) {
            return Double.parseDouble(token);
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw error("integer " + excerpt(token) + " does not fit 64 bits");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw error("unexpected token");
        }
        position += word.length();
        return value;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private boolean peek(char c) {
        return position < text.length() && text.charAt(position) == c;
    }

    private void skipWhitespace() {
        while (position < text.length() && " \t\n\r".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at character " + position);
    }
}
