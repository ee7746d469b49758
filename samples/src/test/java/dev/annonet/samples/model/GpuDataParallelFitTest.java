package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.LoggedMessages;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.distributed.NcclCommunicator;
import java.time.Duration;
import java.util.List;
import java.util.function.LongFunction;
import java.util.logging.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a GPU with NCCL: a data-parallel fit with a world-size-1 NCCL communicator records its steps,
 * the all-reduces on the communication stream inside each step's CUDA graph, and trains the MNIST
 * MLP (with dropout) and CNN to the weights and losses of a plain fit. Run by scripts/gpu-check.sh.
 */
@Tag("gpu")
class GpuDataParallelFitTest {
    @Test
    void theMnistMlpWithAnInGraphNcclAllReduceTrainsAsPlainFit() {
        checkAgainstPlainFit(seed -> DataParallelFitTest.mlp(seed, Device.cuda(0)), DataParallelFitTest.images(1024),
                DataParallelFitTest.oneHot(1024), 128);
    }

    @Test
    void theMnistCnnWithAnInGraphNcclAllReduceTrainsAsPlainFit() {
        checkAgainstPlainFit(seed -> DataParallelFitTest.cnn(seed, Device.cuda(0)),
                Tensor.of(DataParallelFitTest.images(512).toArray(), 512, 28, 28, 1), DataParallelFitTest.oneHot(512), 64);
    }

    private static void checkAgainstPlainFit(LongFunction<Model> create, Tensor x, Tensor y, int batch) {
        assertEquals("", NcclCommunicator.loadProblem());
        Fit options = Fit.options().batchSize(batch).epochs(2).verbose(0);
        float[][] expected;
        History plain;
        try (Model model = create.apply(42)) {
            plain = model.fit(x, y, options);
            expected = DataParallelFitTest.weights(model);
        }
        List<String> warnings;
        try (LoggedMessages recorderWarnings = LoggedMessages.where(record -> record.getLevel().intValue() >= Level.WARNING.intValue()
                && record.getMessage().contains("recorded"));
             Model model = create.apply(42);
             NcclCommunicator alone = NcclCommunicator.join(NcclCommunicator.uniqueId(), 0, 1, 0, Duration.ofSeconds(60))) {
            History history = model.fit(x, y, options.dataParallel(alone));
            float[][] actual = DataParallelFitTest.weights(model);
            for (int w = 0; w < expected.length; w++) {
                assertArrayEquals(expected[w], actual[w], 1e-6f, "weight " + w);
            }
            for (int epoch = 0; epoch < 2; epoch++) {
                assertEquals(plain.get("loss").get(epoch), history.get("loss").get(epoch), 1e-6, "loss of epoch " + (epoch + 1));
                assertEquals(plain.get("accuracy").get(epoch), history.get("accuracy").get(epoch), 1e-9,
                        "accuracy of epoch " + (epoch + 1));
            }
            warnings = recorderWarnings.messages();
        }
        assertEquals(List.of(), warnings, "the steps, all-reduces included, are recorded as CUDA graphs");
    }
}
