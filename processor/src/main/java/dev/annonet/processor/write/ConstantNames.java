package dev.annonet.processor.write;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names of the generated constants, from the plan's dotted names: {@code hidden.z} becomes
 * {@code HIDDEN_Z}. Distinct members can map to one name ({@code hidden} and {@code HIDDEN}); the
 * later one then gets a numbered name, so the generated class always compiles.
 */
final class ConstantNames {
    private final Map<String, String> names = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    ConstantNames(String... reserved) {
        taken.addAll(Set.of(reserved));
    }

    /** Gives {@code dottedName} its constant name; call in a fixed order so that names are stable. */
    void register(String dottedName) {
        String base = upperSnake(dottedName);
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            name = base + "_" + n;
        }
        names.put(dottedName, name);
    }

    String of(String dottedName) {
        String name = names.get(dottedName);
        if (name == null) {
            throw new IllegalStateException("no constant registered for " + dottedName);
        }
        return name;
    }

    /** {@code hiddenLayer.kernel} → {@code HIDDEN_LAYER_KERNEL}: a word starts at each upper-case letter after a lower-case one. */
    static String upperSnake(String dottedName) {
        StringBuilder name = new StringBuilder();
        char previous = '_';
        for (char c : dottedName.toCharArray()) {
            if (c == '.' || (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous)))) {
                name.append('_');
            }
            if (c != '.') {
                name.append(c);
            }
            previous = c;
        }
        return name.toString().toUpperCase(Locale.ROOT);
    }
}
