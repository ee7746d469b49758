package dev.annonet.runtime.distributed;

import dev.annonet.nativelib.NativeBytes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ranks that are threads of one process: what tests and a single machine's experiments use. Each
 * all-reduce copies every rank's values aside, then each rank sums the copies in rank order, so
 * every rank gets the same values bit for bit. A rank that closes, or does not arrive within the
 * timeout, fails the call on every rank that waits for it.
 *
 * <p>Its ranks also sum host memory in place ({@link DeviceCommunicator}, {@link DeviceCommunicator#HOST_MEMORY}):
 * ranks on the CUDA backend's host executor, whose memory is host memory, so run the GPU's
 * data-parallel step, all-reduces and all, on machines without a GPU.
 */
public final class InProcessGroup {
    private final int worldSize;
    private final long timeoutNanos;
    private final CyclicBarrier barrier;
    private final ByteBuffer[] deposits;
    private final int[] depositLengths;
    private final int[] depositValueBytes;
    private volatile String failure;

    private InProcessGroup(int worldSize, Duration timeout) {
        this.worldSize = worldSize;
        this.timeoutNanos = timeout.toNanos();
        this.barrier = new CyclicBarrier(worldSize);
        this.deposits = new ByteBuffer[worldSize];
        this.depositLengths = new int[worldSize];
        this.depositValueBytes = new int[worldSize];
    }

    /** {@code worldSize} communicators, one per thread that will use it, with a 60-second timeout. */
    public static List<Communicator> create(int worldSize) {
        return create(worldSize, Duration.ofSeconds(60));
    }

    /** {@code worldSize} communicators whose calls fail when a rank has not arrived within {@code timeout}. */
    public static List<Communicator> create(int worldSize, Duration timeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("an in-process group needs at least 1 rank, was " + worldSize);
        }
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        InProcessGroup group = new InProcessGroup(worldSize, timeout);
        List<Communicator> ranks = new ArrayList<>(worldSize);
        for (int rank = 0; rank < worldSize; rank++) {
            ranks.add(group.new Rank(rank));
        }
        return List.copyOf(ranks);
    }

    private final class Rank implements DeviceCommunicator {
        private final int rank;

        Rank(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return worldSize;
        }

        @Override
        public void allReduceSum(float[] values, int offset, int length) {
            allReduce(ReducedValues.of(values, offset, length));
        }

        @Override
        public void allReduceSum(double[] values, int offset, int length) {
            allReduce(ReducedValues.of(values, offset, length));
        }

        @Override
        public int device() {
            return HOST_MEMORY;
        }

        /** Host memory, summed at once (the host executor has no streams: {@code stream} is ignored). */
        @Override
        public void allReduceSumOnStream(long address, long count, boolean doubles, long stream) {
            int length = Math.toIntExact(count);
            ByteBuffer memory = NativeBytes.at(address, (long) length * (doubles ? Double.BYTES : Float.BYTES));
            if (doubles) {
                double[] values = new double[length];
                memory.asDoubleBuffer().get(0, values);
                allReduceSum(values, 0, length);
                memory.asDoubleBuffer().put(0, values);
            } else {
                float[] values = new float[length];
                memory.asFloatBuffer().get(0, values);
                allReduceSum(values, 0, length);
                memory.asFloatBuffer().put(0, values);
            }
        }

        private void allReduce(ReducedValues values) {
            requireWorking();
            int bytes = Math.multiplyExact(values.length, values.valueBytes());
            if (deposits[rank] == null || deposits[rank].capacity() < bytes) {
                deposits[rank] = ByteBuffer.allocate(bytes);
            }
            values.write(0, values.length, values.view(deposits[rank]));
            depositLengths[rank] = values.length;
            depositValueBytes[rank] = values.valueBytes();
            await("to deposit its values");
            for (int other = 0; other < worldSize; other++) {
                if (depositLengths[other] != values.length || depositValueBytes[other] != values.valueBytes()) {
                    fail("rank " + rank + " all-reduces " + values.length + " values of " + values.valueBytes()
                            + " bytes but rank " + other + " " + depositLengths[other] + " of " + depositValueBytes[other]);
                }
            }
            values.set(0, values.length, values.view(deposits[0]));
            for (int other = 1; other < worldSize; other++) {
                values.add(0, values.length, values.view(deposits[other]));
            }
            await("to read the others' values"); // before anyone deposits the next call's values
        }

        private void await(String why) {
            try {
                barrier.await(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                fail("rank " + rank + " waited " + Duration.ofNanos(timeoutNanos).toMillis() + " ms for the other ranks "
                        + why + "; at least one never arrived");
            } catch (BrokenBarrierException e) {
                requireWorking();
                fail("rank " + rank + ": another rank failed or left while this one waited for the others " + why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("rank " + rank + " was interrupted while it waited for the others " + why);
            }
        }

        private void fail(String message) {
            if (failure == null) {
                failure = message;
            }
            barrier.reset(); // wakes the ranks still waiting, with BrokenBarrierException
            throw new CommunicatorException(message);
        }

        private void requireWorking() {
            String reason = failure;
            if (reason != null) {
                throw new CommunicatorException("the in-process group is broken: " + reason);
            }
        }

        @Override
        public void close() {
            if (failure == null) {
                failure = "rank " + rank + " closed its communicator";
            }
            barrier.reset();
        }

        @Override
        public String toString() {
            return "in-process rank " + rank + " of " + worldSize;
        }
    }
}
