package dev.annonet.nativelib;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * The README promises that annonet's native libraries load with glibc 2.34 or later: no library
 * this build made may ask for a newer symbol version (the names objdump -T shows, read here from
 * the libraries' bytes).
 */
class GlibcFloorTest {
    private static final int[] README_FLOOR = {2, 34};

    @Test
    void theBuiltLibrariesNeedNoGlibcNewerThanTheReadmeSays() throws IOException {
        assumeTrue(Loader.getPlatform().equals("linux-x86_64"), "the README's promise is for Linux x86-64");
        List<Path> libraries;
        try (Stream<Path> files = Files.walk(Path.of("target/classes/dev/annonet"))) {
            libraries = files.filter(f -> f.toString().endsWith(".so") && f.toString().contains("linux-x86_64")).toList();
        }
        assertFalse(libraries.isEmpty(), "no linux-x86_64 library was built under target/classes");
        Pattern version = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)");
        for (Path library : libraries) {
            Matcher found = version.matcher(new String(Files.readAllBytes(library), StandardCharsets.ISO_8859_1));
            while (found.find()) {
                int major = Integer.parseInt(found.group(1));
                int minor = Integer.parseInt(found.group(2));
                assertTrue(major < README_FLOOR[0] || major == README_FLOOR[0] && minor <= README_FLOOR[1],
                        library + " needs " + found.group() + ", newer than the README's glibc 2.34");
            }
        }
    }
}
