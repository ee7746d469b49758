package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.ModelNames;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The processor refuses layer names that clash with Model's methods; its list must hold every one of them. */
class ModelNamesTest {

    @Test
    void everyMethodAGeneratedModelInheritsIsReserved() {
        Set<String> missing = new TreeSet<>();
        for (Class<?> type = Model.class; type != null; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                boolean visible = Modifier.isPublic(method.getModifiers()) || Modifier.isProtected(method.getModifiers());
                if (visible && !method.isSynthetic() && !ModelNames.METHODS.contains(method.getName())) {
                    missing.add(method.getName());
                }
            }
        }
        assertTrue(missing.isEmpty(), "dev.annonet.contract.ModelNames.METHODS lacks " + missing);
    }
}
