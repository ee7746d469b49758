package dev.annonet.runtime;

import org.junit.jupiter.api.Tag;

/** {@link CopyOverlapTest} on GPU 0, where the copy stream really runs beside the compute stream. Run by scripts/gpu-check.sh. */
@Tag("gpu")
class CudaDeviceCopyOverlapTest extends CopyOverlapTest {
    @Override
    protected Device device() {
        return Device.cuda(0);
    }
}
