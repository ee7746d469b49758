package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.Memory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order of a {@link CudaBatchLanding}'s stream calls, against streams that write them down: the
 * two buffers alternate, the compute stream waits for the copy of its own batch alone, and the copy
 * stream refills a buffer only after the compute stream has moved the batch it held.
 */
class CudaBatchLandingTest {
    private static final int VALUES = 10;
    private static final long BASE = 1000;

    /** Writes every call down; events are numbered 1, 2, ... in creation order, memory starts at BASE. */
    private static final class RecordedStreams implements LandingStreams {
        final List<String> calls = new ArrayList<>();
        private long events;

        @Override
        public Memory allocate(int size) {
            calls.add("allocate " + size);
            return () -> size;
        }

        @Override
        public long address(Memory memory, int offset) {
            return BASE + (long) offset * Float.BYTES;
        }

        @Override
        public void release(Memory memory) {
            calls.add("release " + memory.size());
        }

        @Override
        public long createEvent() {
            return ++events;
        }

        @Override
        public void destroyEvent(long event) {
            calls.add("destroy " + event);
        }

        @Override
        public void uploadOnCopyStream(float[] source, int sourceOffset, long target, int count) {
            calls.add("copy stream: upload " + count + " to " + target);
        }

        @Override
        public void copyOnComputeStream(long source, Memory target, int targetOffset, int count) {
            calls.add("compute stream: copy " + count + " from " + source);
        }

        @Override
        public void record(int stream, long event) {
            calls.add(name(stream) + " records " + event);
        }

        @Override
        public void await(int stream, long event) {
            calls.add(name(stream) + " waits for " + event);
        }

        private static String name(int stream) {
            return stream == CudaLibrary.COPY_STREAM ? "copy stream" : "compute stream";
        }
    }

    /** Events: buffer 0 filled = 1, taken = 2; buffer 1 filled = 3, taken = 4. */
    @Test
    void buffersAlternateAndEachStreamWaitsForTheOtherWhereItMust() {
        RecordedStreams streams = new RecordedStreams();
        CudaBatchLanding landing = new CudaBatchLanding(streams, VALUES);
        Memory arena = () -> 100;
        List<Integer> buffers = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            buffers.add(landing.buffer());
            landing.fill(0, new float[6], 0, 6);
            landing.fill(6, new float[4], 0, 4);
            landing.landed();
            landing.take(0, arena, 0, 6);
            landing.take(6, arena, 50, 4);
            landing.taken();
        }
        landing.release();
        assertEquals(List.of(0, 1, 0), buffers);
        long first = BASE;
        long second = BASE + VALUES * Float.BYTES;
        assertEquals(List.of(
                "allocate 20",
                "copy stream: upload 6 to " + first, "copy stream: upload 4 to " + (first + 24),
                "copy stream records 1", "compute stream waits for 1",
                "compute stream: copy 6 from " + first, "compute stream: copy 4 from " + (first + 24),
                "compute stream records 2", "copy stream waits for 4",
                "copy stream: upload 6 to " + second, "copy stream: upload 4 to " + (second + 24),
                "copy stream records 3", "compute stream waits for 3",
                "compute stream: copy 6 from " + second, "compute stream: copy 4 from " + (second + 24),
                "compute stream records 4", "copy stream waits for 2",
                "copy stream: upload 6 to " + first, "copy stream: upload 4 to " + (first + 24),
                "copy stream records 1", "compute stream waits for 1",
                "compute stream: copy 6 from " + first, "compute stream: copy 4 from " + (first + 24),
                "compute stream records 2", "copy stream waits for 4",
                "release 20", "destroy 1", "destroy 2", "destroy 3", "destroy 4"), streams.calls);
    }

    @Test
    void aBatchLargerThanABufferIsRefusedBeforeAnythingIsCopied() {
        RecordedStreams streams = new RecordedStreams();
        CudaBatchLanding landing = new CudaBatchLanding(streams, VALUES);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> landing.fill(6, new float[5], 0, 5));
        assertEquals("fill: offset 6 + count 5 is outside a landing buffer of 10 values", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> landing.take(-1, () -> 10, 0, 2));
        assertEquals(List.of("allocate 20"), streams.calls);
        landing.release();
        landing.destroyEvents();
        assertEquals(List.of("allocate 20", "release 20", "destroy 1", "destroy 2", "destroy 3", "destroy 4"), streams.calls,
                "the backend's close destroys no event twice");
    }
}
