package dev.annonet.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both communicators: sums for 1 to 4 ranks and odd lengths, and failures that end in an exception, never a hang. */
@Timeout(60)
class CommunicatorTest {
    /** 0, 1, fewer values than ranks, odd, and more than one 256 KiB piece per segment. */
    private static final int[] LENGTHS = {0, 1, 3, 7, 1001, 200_003};

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void inProcessGroupSums() throws Exception {
        for (int worldSize = 1; worldSize <= 4; worldSize++) {
            checkSums(InProcessGroup.create(worldSize));
        }
    }

    @Test
    void tcpRingSums() throws Exception {
        for (int worldSize = 1; worldSize <= 4; worldSize++) {
            checkSums(tcpRing(worldSize, Duration.ofSeconds(20)));
        }
    }

    /**
     * Every rank's values are whole numbers (exact in float and in double whatever the order of
     * addition), different on each rank and at each index; every rank must end with the sums.
     */
    private void checkSums(List<Communicator> ranks) throws Exception {
        int worldSize = ranks.size();
        List<Future<List<Object>>> results = onEachRank(ranks, communicator -> {
            List<Object> sums = new ArrayList<>();
            for (int length : LENGTHS) {
                float[] floats = new float[length + 2];
                double[] doubles = new double[length + 2];
                for (int i = 0; i < floats.length; i++) {
                    floats[i] = valueAt(communicator.rank(), i);
                    doubles[i] = -valueAt(communicator.rank(), i);
                }
                communicator.allReduceSum(floats, 1, length); // a slice: the first and last values stay
                communicator.allReduceSum(doubles, 1, length);
                sums.add(floats);
                sums.add(doubles);
            }
            return sums;
        });
        for (int rank = 0; rank < worldSize; rank++) {
            List<Object> sums = results.get(rank).get();
            for (int l = 0; l < LENGTHS.length; l++) {
                int length = LENGTHS[l];
                float[] expected = new float[length + 2];
                for (int i = 0; i < expected.length; i++) {
                    if (i == 0 || i == length + 1) {
                        expected[i] = valueAt(rank, i);
                    } else {
                        for (int r = 0; r < worldSize; r++) {
                            expected[i] += valueAt(r, i);
                        }
                    }
                }
                String where = worldSize + " ranks, rank " + rank + ", length " + length;
                assertArrayEquals(expected, (float[]) sums.get(2 * l), where);
                double[] negated = new double[expected.length];
                for (int i = 0; i < expected.length; i++) {
                    negated[i] = -expected[i];
                }
                assertArrayEquals(negated, (double[]) sums.get(2 * l + 1), where);
            }
        }
        ranks.forEach(Communicator::close);
    }

    private static float valueAt(int rank, int index) {
        return (rank + 1) * 1000 + index % 997;
    }

    @Test
    void aClosedPeerFailsTheCallOnTheOthers() throws Exception {
        for (List<Communicator> ranks : List.of(InProcessGroup.create(3), tcpRing(3, Duration.ofSeconds(20)))) {
            ranks.get(2).close();
            List<Future<Object>> calls = onEachRank(ranks.subList(0, 2), communicator -> {
                communicator.allReduceSum(new float[10], 0, 10);
                return null;
            });
            for (Future<Object> call : calls) {
                ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
                assertTrue(failure.getCause() instanceof CommunicatorException, String.valueOf(failure.getCause()));
            }
            // broken for good: the next call fails at once, saying why
            CommunicatorException again = assertThrows(CommunicatorException.class,
                    () -> ranks.get(0).allReduceSum(new float[1], 0, 1));
            assertTrue(again.getMessage().contains("broken"), again.getMessage());
            ranks.forEach(Communicator::close);
        }
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        for (List<Communicator> ranks : List.of(InProcessGroup.create(2, Duration.ofMillis(300)),
                tcpRing(2, Duration.ofMillis(300)))) {
            long start = System.nanoTime();
            CommunicatorException failure = assertThrows(CommunicatorException.class,
                    () -> ranks.get(0).allReduceSum(new double[5], 0, 5)); // rank 1 never calls
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            assertTrue(failure.getMessage().contains("300 ms"), failure.getMessage());
            ranks.forEach(Communicator::close);
        }
    }

    @Test
    void ranksThatDisagreeOnTheLengthFail() throws Exception {
        for (List<Communicator> ranks : List.of(InProcessGroup.create(2), tcpRing(2, Duration.ofSeconds(20)))) {
            List<Future<Object>> calls = onEachRank(ranks, communicator -> {
                int length = 4 + communicator.rank();
                communicator.allReduceSum(new float[length], 0, length);
                return null;
            });
            ExecutionException failure = assertThrows(ExecutionException.class, () -> calls.get(0).get(30, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().contains("values"), failure.getCause().getMessage());
            ranks.forEach(Communicator::close);
        }
    }

    @Test
    void aRankThatNeverStartsFailsTheRendezvous() {
        try (TcpRing.Endpoint absent = TcpRing.Endpoint.bind(new InetSocketAddress("127.0.0.1", 0));
             TcpRing.Endpoint present = TcpRing.Endpoint.bind(new InetSocketAddress("127.0.0.1", 0))) {
            List<InetSocketAddress> addresses = List.of(address(present.port()), address(absent.port()));
            // rank 1's port accepts connections (its endpoint is bound) but rank 1 never connects back
            CommunicatorException failure = assertThrows(CommunicatorException.class,
                    () -> present.connect(0, addresses, Duration.ofMillis(400)));
            assertTrue(failure.getMessage().contains("rank 1") && failure.getMessage().contains("never connected"),
                    failure.getMessage());
        }
        InetSocketAddress nobody = address(closedPort());
        CommunicatorException refused = assertThrows(CommunicatorException.class,
                () -> TcpRing.connect(0, List.of(address(0), nobody), Duration.ofMillis(300)));
        assertTrue(refused.getMessage().contains("did not accept"), refused.getMessage());
    }

    @Test
    void addressesAreParsed() {
        assertEquals(new InetSocketAddress("127.0.0.1", 29500), TcpRing.address("127.0.0.1:29500"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TcpRing.address("host"));
        assertTrue(bad.getMessage().contains("host:port"), bad.getMessage());
    }

    private static int closedPort() {
        try (TcpRing.Endpoint endpoint = TcpRing.Endpoint.bind(new InetSocketAddress("127.0.0.1", 0))) {
            return endpoint.port();
        }
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** A ring of {@code worldSize} ranks on this machine's loopback, joined on threads. */
    private List<Communicator> tcpRing(int worldSize, Duration timeout) throws Exception {
        List<TcpRing.Endpoint> endpoints = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            TcpRing.Endpoint endpoint = TcpRing.Endpoint.bind(address(0));
            endpoints.add(endpoint);
            addresses.add(address(endpoint.port()));
        }
        List<Future<TcpRing>> joined = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            int r = rank;
            joined.add(threads.submit(() -> endpoints.get(r).connect(r, addresses, timeout)));
        }
        List<Communicator> ranks = new ArrayList<>();
        for (Future<TcpRing> ring : joined) {
            ranks.add(ring.get(30, TimeUnit.SECONDS));
        }
        return ranks;
    }

    private <T> List<Future<T>> onEachRank(List<Communicator> ranks, ThrowingFunction<T> work) {
        List<Future<T>> futures = new ArrayList<>();
        for (Communicator communicator : ranks) {
            futures.add(threads.submit((Callable<T>) () -> work.apply(communicator)));
        }
        return futures;
    }

    @FunctionalInterface
    private interface ThrowingFunction<T> {
        T apply(Communicator communicator) throws Exception;
    }
}
