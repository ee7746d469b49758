package dev.annonet.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.cuda.CudaSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MnistMlpSampleOptionsTest {
    @Test
    void defaultsAreTheCourses() {
        MnistMlpSample.Options options = MnistMlpSample.Options.parse();
        assertNull(options.data());
        assertEquals(20, options.epochs());
        assertEquals(128, options.batchSize());
        assertEquals(42, options.seed());
        assertEquals(Path.of("target", "mnist-mlp"), options.logs());
        assertEquals(Path.of("runs"), MnistMlpSample.Options.parse("--logs", "runs").logs());
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertEquals("--epochs must be a positive number, not 0", error("--epochs", "0"));
        assertEquals("--epochs needs a whole number, not 'ten'", error("--epochs", "ten"));
        assertEquals("--device must be auto, cpu, cuda or reference, not 'gpu'", error("--device", "gpu"));
        assertEquals("unknown option --speed", error("--speed", "1"));
        assertEquals("--data needs a value", error("--data"));
        assertEquals("--data /no/such/dir is not a directory", error("--data", "/no/such/dir"));
        assertEquals("--logs pom.xml is not a directory", error("--logs", "pom.xml"));
        assertEquals("--precision must be float32, mixed_bfloat16 or mixed_float16, not 'fp16'", error("--precision", "fp16"));
        assertEquals("--precision mixed_float16: the precision policy is a GPU setting; cpu is not a GPU",
                error("--device", "cpu", "--precision", "mixed_float16"));
    }

    @Test
    void aGpuThatIsNotThereIsABadOptionWithItsReason() {
        String problem = CudaSupport.deviceProblem(0);
        if (problem == null) {
            assertEquals("cuda:0", MnistMlpSample.Options.parse("--device", "cuda").device().toString());
        } else {
            assertEquals("--device cuda: Device.cuda(0) is not available: " + problem, error("--device", "cuda"));
        }
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> MnistMlpSample.Options.parse(args)).getMessage();
    }
}
