package dev.annonet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's Maven project, written as the README shows (annotations and runtime as dependencies,
 * the processor in annotationProcessorPaths, and the recipe of "On a GPU" for the network's CUDA
 * kernels), compiles a declaration against the artifacts that {@code mvn install} put in the local
 * repository, builds its kernels with nvcc where nvcc is installed, and trains it.
 *
 * <p>It needs those artifacts installed by the same build: run the README's test command,
 * {@code mvn install}; under {@code mvn test} it fails and says so.
 */
class OutsideProjectTest {
    @TempDir
    Path project;

    @Test
    void anOutsideProjectCompilesADeclarationAndTrainsIt() throws Exception {
        String version = System.getProperty("annonet.version");
        Path repository = Path.of(System.getProperty("annonet.localRepository"));
        Path installed = repository.resolve("dev/annonet/annonet-runtime/" + version + "/annonet-runtime-" + version + ".jar");
        Path built = Path.of(System.getProperty("annonet.builtRuntimeJar"));
        assertTrue(Files.exists(installed) && Files.exists(built)
                        && Arrays.equals(Files.readAllBytes(installed), Files.readAllBytes(built)),
                "the installed annonet-runtime is missing or not the one just built: run `mvn install` (the README's test command)");

        copyTemplate(project);
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@annonet.version@", version));

        Path mvn = Path.of(System.getProperty("annonet.mavenHome"), "bin", "mvn");
        Process process = new ProcessBuilder(mvn.toString(), "-B", "-q", "-Dmaven.repo.local=" + repository,
                "package", "exec:java")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the outside build did not finish in 5 minutes");
        String log = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "the outside build failed:\n" + log);
        assertTrue(Files.exists(project.resolve("target/generated-sources/annotations/example/OrGateModel.java")),
                "the processor wrote no model:\n" + log);
        assertTrue(log.contains("outside-project accuracy=1.0"), "the outside model did not learn OR:\n" + log);
        // Without nvcc the recipe skips the kernels (its warning is hidden by -q) and the build still passes.
        assertTrue(log.contains(nvccOnPath() ? "outside-project kernels=built"
                        : "outside-project kernels=OrGate's CUDA kernels did not load"),
                "the README's recipe for the network's CUDA kernels did not do its part:\n" + log);
    }

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, "nvcc")));
    }

    private static void copyTemplate(Path target) throws IOException {
        Path template = Path.of("src/test/resources/outside-project");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(template)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(!files.isEmpty(), "the outside-project template is missing from " + template.toAbsolutePath());
        for (Path file : files) {
            Path copy = target.resolve(template.relativize(file).toString());
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
        }
    }
}
