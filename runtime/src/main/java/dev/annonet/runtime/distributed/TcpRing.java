package dev.annonet.runtime.distributed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CPU ranks joined in a ring over TCP: each rank sends to the next and receives from the one
 * before. An all-reduce is a reduce-scatter then an all-gather over {@code worldSize} segments of
 * the buffer ({@code 2(N-1)} steps, each moving one segment in pieces of at most 256 KiB, sending
 * on a thread of its own while the caller receives), so each rank sends and receives
 * {@code 2(N-1)/N} of the buffer whatever N is. Each element is summed once, by the rank that
 * owns its segment, and copied to the others: every rank gets the same values bit for bit.
 *
 * <p>Rendezvous: every rank binds a listening socket ({@link Endpoint#bind}), the ranks exchange
 * their addresses by some other means (a launcher's arguments, Spark's {@code allGather}), and
 * each calls {@link Endpoint#connect} with the list, in rank order. Reads wait at most the
 * timeout; a peer that dies, closes or disagrees (another world size, buffer length or type)
 * fails the call with a {@link CommunicatorException} that names it.
 */
public final class TcpRing implements Communicator {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAGIC = 0x616e6e52; // "annR"
    private static final int PIECE_BYTES = 256 * 1024;
    private static final long RETRY_MILLIS = 50;
    private static final int HEADER_BUFFER = 8192;

    private final int rank;
    private final int worldSize;
    private final long timeoutNanos;
    private final Socket next;
    private final Socket previous;
    private final String nextName;
    private final String previousName;
    private final DataOutputStream toNext;
    private final DataInputStream fromPrevious;
    private final ExecutorService sender;
    private final byte[] sendBytes = new byte[PIECE_BYTES];
    private final byte[] receiveBytes = new byte[PIECE_BYTES];
    private long calls;
    private volatile String failure;

    private TcpRing(int rank, int worldSize, Duration timeout, Socket next, Socket previous) throws IOException {
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeoutNanos = timeout.toNanos();
        this.next = next;
        this.previous = previous;
        this.nextName = "rank " + (rank + 1) % worldSize + (next == null ? "" : " at " + next.getRemoteSocketAddress());
        this.previousName = "rank " + (rank + worldSize - 1) % worldSize
                + (previous == null ? "" : " at " + previous.getRemoteSocketAddress());
        // Buffered, so a header goes out as one packet; pieces larger than the buffers pass straight through.
        this.toNext = next == null ? null : new DataOutputStream(new BufferedOutputStream(next.getOutputStream(), HEADER_BUFFER));
        this.fromPrevious = previous == null ? null : new DataInputStream(new BufferedInputStream(previous.getInputStream(), HEADER_BUFFER));
        this.sender = next == null ? null : Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "annonet-ring-send-rank-" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Binds {@code ranks.get(rank)} and joins the ring: {@link Endpoint#bind} then {@link Endpoint#connect}. */
    public static TcpRing connect(int rank, List<InetSocketAddress> ranks, Duration timeout) {
        checkRank(rank, ranks);
        try (Endpoint endpoint = Endpoint.bind(ranks.get(rank))) {
            return endpoint.connect(rank, ranks, timeout);
        }
    }

    /** {@code "host:port"} as an address to connect to (the form ranks exchange as text). */
    public static InetSocketAddress address(String hostAndPort) {
        int colon = Objects.requireNonNull(hostAndPort, "address").lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("a rank's address is host:port, was '" + hostAndPort + "'");
        }
        try {
            return new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a rank's address is host:port, was '" + hostAndPort + "': " + e.getMessage(), e);
        }
    }

    private static void checkRank(int rank, List<InetSocketAddress> ranks) {
        Objects.requireNonNull(ranks, "ranks");
        if (rank < 0 || rank >= ranks.size()) {
            throw new IllegalArgumentException("rank " + rank + " is not among the " + ranks.size() + " ranks' addresses");
        }
    }

    /** A rank's listening socket, bound before the ranks exchange addresses so that none is refused. */
    public static final class Endpoint implements AutoCloseable {
        private final ServerSocket server;

        private Endpoint(ServerSocket server) {
            this.server = server;
        }

        /** Listens on {@code address} (port 0: any free port; {@link #port} says which). */
        public static Endpoint bind(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            try {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                try {
                    server.bind(address);
                } catch (IOException e) {
                    server.close();
                    throw e;
                }
                return new Endpoint(server);
            } catch (IOException e) {
                throw new CommunicatorException("cannot listen on " + address + " for the ring's rendezvous: " + e.getMessage(), e);
            }
        }

        /** The port this endpoint listens on. */
        public int port() {
            return server.getLocalPort();
        }

        /**
         * Joins the ring: connects to the next rank's address (retrying while it is not yet
         * listening) and accepts the previous rank, each checked by a handshake, all within
         * {@code timeout}; reads of later all-reduces wait at most {@code timeout} too. The
         * endpoint's listening socket is closed afterwards.
         */
        public TcpRing connect(int rank, List<InetSocketAddress> ranks, Duration timeout) {
            checkRank(rank, ranks);
            if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            int worldSize = ranks.size();
            try (ServerSocket listening = server) {
                if (worldSize == 1) {
                    return new TcpRing(rank, 1, timeout, null, null);
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                int nextRank = (rank + 1) % worldSize;
                Socket next = connectWithRetry(ranks.get(nextRank), nextRank, deadline);
                Socket previous = null;
                try {
                    DataOutputStream hello = new DataOutputStream(new BufferedOutputStream(next.getOutputStream()));
                    hello.writeInt(MAGIC);
                    hello.writeInt(worldSize);
                    hello.writeInt(rank);
                    hello.flush();
                    previous = acceptPrevious(listening, rank, worldSize, deadline);
                    previous.setSoTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, timeout.toMillis())));
                    return new TcpRing(rank, worldSize, timeout, next, previous);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(next);
                    closeQuietly(previous);
                    throw e;
                }
            } catch (IOException e) {
                throw new CommunicatorException("rank " + rank + " of " + worldSize + " could not join the ring: " + e.getMessage(), e);
            }
        }

        private static Socket connectWithRetry(InetSocketAddress address, int nextRank, long deadline) throws IOException {
            IOException last = null;
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new CommunicatorException("rank " + nextRank + " at " + address + " did not accept a connection"
                            + " within the timeout" + (last == null ? "" : " (last: " + last.getMessage() + ")"));
                }
                Socket socket = new Socket();
                try {
                    socket.setTcpNoDelay(true);
                    socket.connect(address, (int) Math.min(Integer.MAX_VALUE, left));
                    return socket;
                } catch (ConnectException | SocketTimeoutException e) {
                    socket.close();
                    last = e;
                    sleep(Math.min(RETRY_MILLIS, left));
                } catch (IOException e) {
                    socket.close();
                    throw new IOException("connecting to rank " + nextRank + " at " + address + ": " + e.getMessage(), e);
                }
            }
        }

        private static Socket acceptPrevious(ServerSocket listening, int rank, int worldSize, long deadline) throws IOException {
            int previousRank = (rank + worldSize - 1) % worldSize;
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            listening.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
            Socket socket;
            try {
                socket = listening.accept();
            } catch (SocketTimeoutException e) {
                throw new CommunicatorException("rank " + rank + " of " + worldSize + ": rank " + previousRank
                        + " never connected to port " + listening.getLocalPort() + " within the timeout");
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
                        TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
                DataInputStream hello = new DataInputStream(socket.getInputStream());
                int magic = hello.readInt();
                int theirWorld = hello.readInt();
                int theirRank = hello.readInt();
                if (magic != MAGIC) {
                    throw new CommunicatorException("rank " + rank + ": " + socket.getRemoteSocketAddress()
                            + " connected but is not an annonet ring rank");
                }
                if (theirWorld != worldSize || theirRank != previousRank) {
                    throw new CommunicatorException("rank " + rank + " of " + worldSize + " expected rank " + previousRank
                            + " to connect, but rank " + theirRank + " of " + theirWorld + " did ("
                            + socket.getRemoteSocketAddress() + "): the ranks were given different address lists");
                }
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        public void close() {
            closeQuietly(server);
        }
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
    public synchronized void allReduceSum(float[] values, int offset, int length) {
        allReduce(ReducedValues.of(values, offset, length));
    }

    @Override
    public synchronized void allReduceSum(double[] values, int offset, int length) {
        allReduce(ReducedValues.of(values, offset, length));
    }

    private void allReduce(ReducedValues values) {
        String reason = failure;
        if (reason != null) {
            throw new CommunicatorException("rank " + rank + "'s ring is broken: " + reason);
        }
        if (worldSize == 1) {
            return;
        }
        calls++;
        try {
            exchangeHeaders(values);
            for (int step = 0; step < worldSize - 1; step++) { // reduce-scatter: segment rank+1 ends up whole here
                transfer(values, segmentOf(rank - step), segmentOf(rank - step - 1), true);
            }
            for (int step = 0; step < worldSize - 1; step++) { // all-gather: the whole segments go round
                transfer(values, segmentOf(rank + 1 - step), segmentOf(rank - step), false);
            }
        } catch (IOException | ExecutionException | TimeoutException | CommunicatorException e) {
            throw broken(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw broken("interrupted during all-reduce " + calls);
        }
    }

    private int segmentOf(int anyRank) {
        return Math.floorMod(anyRank, worldSize);
    }

    /** Each call starts with its number, length and type, so ranks that disagree fail instead of mixing values. */
    private void exchangeHeaders(ReducedValues values) throws IOException {
        toNext.writeLong(calls);
        toNext.writeInt(values.length);
        toNext.writeInt(values.valueBytes());
        toNext.flush();
        long theirCall = fromPrevious.readLong();
        int theirLength = fromPrevious.readInt();
        int theirBytes = fromPrevious.readInt();
        if (theirCall != calls || theirLength != values.length || theirBytes != values.valueBytes()) {
            throw new CommunicatorException("rank " + rank + "'s all-reduce " + calls + " sums " + values.length
                    + " values of " + values.valueBytes() + " bytes, but " + previousName + " sent its all-reduce "
                    + theirCall + " of " + theirLength + " values of " + theirBytes + " bytes");
        }
    }

    private void transfer(ReducedValues values, int sendSegment, int receiveSegment, boolean add)
            throws IOException, ExecutionException, TimeoutException, InterruptedException {
        int sendFrom = segmentStart(values, sendSegment);
        int sendCount = segmentStart(values, sendSegment + 1) - sendFrom;
        Future<?> sent = sender.submit(() -> {
            send(values, sendFrom, sendCount);
            return null;
        });
        try {
            receive(values, segmentStart(values, receiveSegment),
                    segmentStart(values, receiveSegment + 1) - segmentStart(values, receiveSegment), add);
        } catch (IOException | RuntimeException e) {
            sent.cancel(true);
            throw e;
        }
        sent.get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private int segmentStart(ReducedValues values, int segment) {
        return (int) ((long) values.length * segment / worldSize);
    }

    private void send(ReducedValues values, int from, int count) throws IOException {
        Buffer view = values.view(ByteBuffer.wrap(sendBytes));
        int perPiece = PIECE_BYTES / values.valueBytes();
        for (int done = 0; done < count; done += perPiece) {
            int n = Math.min(perPiece, count - done);
            values.write(from + done, n, view);
            toNext.write(sendBytes, 0, n * values.valueBytes());
        }
        toNext.flush();
    }

    private void receive(ReducedValues values, int from, int count, boolean add) throws IOException {
        Buffer view = values.view(ByteBuffer.wrap(receiveBytes));
        int perPiece = PIECE_BYTES / values.valueBytes();
        for (int done = 0; done < count; done += perPiece) {
            int n = Math.min(perPiece, count - done);
            fromPrevious.readFully(receiveBytes, 0, n * values.valueBytes());
            if (add) {
                values.add(from + done, n, view);
            } else {
                values.set(from + done, n, view);
            }
        }
    }

    private String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String during = "during all-reduce " + calls + ": ";
        if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
            return during + "no progress with " + (cause instanceof TimeoutException ? nextName : previousName) + " within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (is it alive, and in the same collective call?)";
        }
        if (cause instanceof EOFException) {
            return during + previousName + " closed the connection (it failed or left the group)";
        }
        if (cause instanceof CommunicatorException) {
            return cause.getMessage();
        }
        return during + (e instanceof ExecutionException ? "sending to " + nextName : "receiving from " + previousName)
                + ": " + cause;
    }

    private CommunicatorException broken(String message) {
        failure = message;
        closeConnections();
        return new CommunicatorException("rank " + rank + " of " + worldSize + ": " + message);
    }

    @Override
    public void close() {
        if (failure == null) {
            failure = "closed";
        }
        closeConnections();
    }

    private void closeConnections() {
        if (sender != null) {
            sender.shutdownNow();
        }
        closeQuietly(next);
        closeQuietly(previous);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing after a failure: the failure is what gets reported
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a peer to listen", e);
        }
    }

    @Override
    public String toString() {
        return "TCP ring rank " + rank + " of " + worldSize;
    }
}
