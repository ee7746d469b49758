package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.InProcessGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order of a data-parallel step's sums on the device: each bucket of gradients (whole
 * parameters, from the last back, at least 256 Ki values) starts once backward says that its
 * gradients are final, the rest after backward, then a recorded step's results, then the join;
 * the next step starts from the first bucket again.
 */
class DataParallelTest {
    /** Two buckets: b.kernel with c.bias (300,100 values) and a.kernel (300,000). */
    private static final NetworkLayout LAYOUT = NetworkLayout.builder("Buckets")
            .input("x", 0, 1)
            .output("out", 1, Activation.Kind.LINEAR, 1, 1)
            .activationSize(2)
            .trainable("a.kernel", 0, Initializer.zeros(), 300_000)
            .trainable("b.kernel", 300_000, Initializer.zeros(), 300_000)
            .trainable("c.bias", 600_000, Initializer.zeros(), 100)
            .layer("x", "InputLayer", new int[] {1}, 0, 0)
            .layer("out", "Dense", new int[] {1}, 600_100, 600_100)
            .build();

    @Test
    void bucketsStartWhenBackwardFinishesTheirGradientsAndResultsFollowThem() {
        List<String> calls = new ArrayList<>();
        Memory gradients = () -> 600_100;
        try (Communicator alone = InProcessGroup.create(1).get(0);
             DataParallel parallel = new DataParallel(alone, LAYOUT, 2, recording(calls))) {
            parallel.gradientsFinal(gradients, 600_000); // c.bias alone: its bucket still waits for b.kernel
            assertEquals(List.of(), calls);
            parallel.gradientsFinal(gradients, 300_000);
            assertEquals(List.of("sum 300000+300100"), calls);
            parallel.sumGradients(null, gradients, Double.NaN, new long[2], 3);
            assertEquals(List.of("sum 300000+300100", "sum 0+300000", "results 3", "join"), calls);

            calls.clear(); // an eager step: no results on the device, every bucket after backward
            long[] counts = {4, 5};
            assertEquals(1.5, parallel.sumGradients(null, gradients, 1.5, counts, -1));
            assertEquals(List.of("sum 300000+300100", "sum 0+300000", "join"), calls);
            assertEquals(List.of(4L, 5L), List.of(counts[0], counts[1]));
        }
    }

    private static DeviceReduction recording(List<String> calls) {
        return new DeviceReduction() {
            @Override
            public void sum(Memory memory, int offset, int count) {
                calls.add("sum " + offset + "+" + count);
            }

            @Override
            public void sumResults(int count) {
                calls.add("results " + count);
            }

            @Override
            public void join() {
                calls.add("join");
            }

            @Override
            public void close() {
            }
        };
    }
}
