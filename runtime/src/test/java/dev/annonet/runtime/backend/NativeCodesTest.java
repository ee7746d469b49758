package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.dsl.Activation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Java's table of native codes against the C++ enums themselves, read from the headers that
 * annonet-native ships: every constant of every kind has the code the kernels give its name.
 */
class NativeCodesTest {
    private static final String HEADERS = "dev/annonet/cuda/include/annonet/";

    @Test
    void activations() throws IOException {
        assertSameCodes(Activation.Kind.values(), NativeCodes::activation, enumIn("element_math.cuh", "ActivationKind"), "");
    }

    @Test
    void losses() throws IOException {
        assertSameCodes(LossKind.values(), NativeCodes::loss, enumIn("element_math.cuh", "LossKind"), "");
    }

    @Test
    void accuracies() throws IOException {
        assertSameCodes(AccuracyKind.values(), NativeCodes::accuracy, enumIn("element_math.cuh", "AccuracyKind"), "");
    }

    @Test
    void metricCounters() throws IOException {
        assertSameCodes(MetricCounter.Kind.values(), NativeCodes::metricCounter,
                enumIn("metric_kernels.cuh", "MetricCounterKind"), "METRIC_");
    }

    @Test
    void recurrentCells() throws IOException {
        assertSameCodes(RecurrentCell.values(), NativeCodes::recurrentCell,
                enumIn("sequence_layout.cuh", "RecurrentCellKind"), "CELL_");
    }

    @Test
    void merges() throws IOException {
        assertSameCodes(MergeKind.values(), NativeCodes::merge, enumIn("merge.cuh", "MergeKindCode"), "MERGE_");
    }

    @Test
    void poolings() throws IOException {
        Matcher constants = Pattern.compile("constexpr int (POOL_\\w+ = \\d+(?:, POOL_\\w+ = \\d+)*);")
                .matcher(header("window.cuh"));
        assertTrue(constants.find(), "window.cuh declares no POOL_ constants");
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (String constant : constants.group(1).split(",\\s*")) {
            String[] nameAndValue = constant.split("\\s*=\\s*");
            codes.put(nameAndValue[0], Integer.parseInt(nameAndValue[1]));
        }
        assertSameCodes(PoolingKind.values(), NativeCodes::pooling, codes, "POOL_");
    }

    private static <E extends Enum<E>> void assertSameCodes(E[] kinds, ToIntFunction<E> code, Map<String, Integer> nativeCodes,
                                                            String prefix) {
        assertEquals(kinds.length, nativeCodes.size(), "constants on each side: " + nativeCodes.keySet());
        for (E kind : kinds) {
            Integer expected = nativeCodes.get(prefix + kind.name());
            assertNotNull(expected, prefix + kind.name() + " is not among " + nativeCodes.keySet());
            assertEquals(expected, code.applyAsInt(kind), kind.name());
        }
    }

    /** The constants of {@code enum NAME { A = 0, B, C };} in {@code file}, each with its value. */
    private static Map<String, Integer> enumIn(String file, String name) throws IOException {
        Matcher declaration = Pattern.compile("enum " + name + " \\{([^}]*)\\};").matcher(header(file));
        assertTrue(declaration.find(), file + " declares no enum " + name);
        Map<String, Integer> codes = new LinkedHashMap<>();
        int next = 0;
        for (String constant : declaration.group(1).split(",")) {
            String[] nameAndValue = constant.trim().split("\\s*=\\s*");
            int value = nameAndValue.length == 2 ? Integer.parseInt(nameAndValue[1]) : next;
            codes.put(nameAndValue[0], value);
            next = value + 1;
        }
        return codes;
    }

    private static String header(String file) throws IOException {
        try (InputStream in = NativeCodesTest.class.getClassLoader().getResourceAsStream(HEADERS + file)) {
            assertNotNull(in, HEADERS + file + " is not on the class path (annonet-native ships it)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
