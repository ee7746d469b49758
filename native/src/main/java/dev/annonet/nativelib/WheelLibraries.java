package dev.annonet.nativelib;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one of NVIDIA's libraries opened with dlopen (NCCL, cuDNN) is looked for, in order: the
 * file a system property names, the library's name (the library path: LD_LIBRARY_PATH, ldconfig's
 * cache, where NVIDIA's packages put it), then the copy in a Python environment's pip wheel
 * ({@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX}, {@code ~/.local}, {@code /usr/local}, {@code /usr}),
 * where PyTorch's pip install puts it.
 */
public final class WheelLibraries {
    private WheelLibraries() {
    }

    /**
     * The candidates for {@code soname}: {@code -D<property>=PATH} when set, {@code soname}, then
     * each existing {@code lib/python3*}/{@code site-packages|dist-packages}/{@code wheelFile}.
     */
    public static List<String> candidates(String property, String soname, String wheelFile) {
        List<String> candidates = new ArrayList<>();
        String named = System.getProperty(property);
        if (named != null && !named.isBlank()) {
            candidates.add(named);
        }
        candidates.add(soname);
        List<Path> prefixes = new ArrayList<>();
        for (String variable : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                prefixes.add(Path.of(value));
            }
        }
        prefixes.add(Path.of(System.getProperty("user.home"), ".local"));
        prefixes.add(Path.of("/usr/local"));
        prefixes.add(Path.of("/usr"));
        for (Path prefix : prefixes) {
            Path lib = prefix.resolve("lib");
            if (!Files.isDirectory(lib)) {
                continue;
            }
            try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
                for (Path python : pythons) {
                    for (String packages : List.of("site-packages", "dist-packages")) {
                        Path wheel = python.resolve(packages).resolve(wheelFile);
                        if (Files.isRegularFile(wheel)) {
                            candidates.add(wheel.toString());
                        }
                    }
                }
            } catch (IOException e) {
                // an unreadable prefix is one place fewer to look; the others remain
            }
        }
        return candidates;
    }
}
