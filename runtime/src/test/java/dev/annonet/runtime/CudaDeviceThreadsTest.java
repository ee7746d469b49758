package dev.annonet.runtime;

import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;

/**
 * ThreadsTest's contract on GPU 0, where predictors take turns on the model's backend (one
 * stream) and every call may come from another host thread. Run by scripts/gpu-check.sh.
 */
@Tag("gpu")
class CudaDeviceThreadsTest extends ThreadsTest {
    @Override
    Stream<Device> devices() {
        return Stream.of(Device.cuda(0));
    }
}
