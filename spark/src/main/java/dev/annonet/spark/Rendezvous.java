package dev.annonet.spark;

import dev.annonet.runtime.distributed.TcpRing;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The training tasks' rendezvous, apart from Spark so that it is tested alone: the message each task
 * gives {@code BarrierTaskContext.allGather}, and what every task concludes from all of them, the
 * same on every task. A task with a GPU joins an NCCL communicator, whose id rank 0 makes and sends
 * (Base64); a task without one joins the TCP ring, sending the {@code host:port} it listens on. Each
 * message starts with its kind, and a task that could not prepare (NCCL missing, a malformed row)
 * sends its problem instead of throwing before the exchange: so a group that cannot train (a task
 * failed, or some tasks have a GPU and some do not) fails on every task with one message that names
 * the tasks, and none is left waiting for a peer that will never join.
 *
 * <p>Messages: {@code tcp HOST:PORT SHARD}, {@code nccl HOST GPU ID SHARD} (ID is {@code -} but on
 * rank 0) and {@code failed PROBLEM}; SHARD is {@link Shard#describe()}.
 */
final class Rendezvous {
    /** The communicator the tasks form. */
    enum Kind {
        TCP_RING,
        NCCL
    }

    private static final String TCP_PREFIX = "tcp";
    private static final String NCCL_PREFIX = "nccl";
    private static final String FAILED_PREFIX = "failed";
    private static final String NO_ID = "-";

    private final Kind kind;
    private final List<InetSocketAddress> ringAddresses;
    private final byte[] ncclId;
    private final List<String> shards;

    private Rendezvous(Kind kind, List<InetSocketAddress> ringAddresses, byte[] ncclId, List<String> shards) {
        this.kind = kind;
        this.ringAddresses = ringAddresses;
        this.ncclId = ncclId;
        this.shards = shards;
    }

    /** A CPU task's message: the ring endpoint it listens on, and its shard. */
    static String tcpRingMessage(String host, int port, String shard) {
        return TCP_PREFIX + " " + host + ":" + port + " " + shard;
    }

    /** A GPU task's message: its host and GPU, the communicator's id ({@code null} but on rank 0), and its shard. */
    static String ncclMessage(String host, int gpu, byte[] id, String shard) {
        String encoded = id == null ? NO_ID : Base64.getEncoder().encodeToString(id);
        return NCCL_PREFIX + " " + host + " " + gpu + " " + encoded + " " + shard;
    }

    /** The message of a task that could not prepare its part of the rendezvous. */
    static String failedMessage(String problem) {
        return FAILED_PREFIX + " " + problem;
    }

    /**
     * What the tasks agree on from {@code messages}, every task's in rank order (what
     * {@code allGather} returns); throws, with the same message on every task, where they cannot form
     * a group.
     */
    static Rendezvous agree(String[] messages) {
        Map<String, List<Integer>> failures = new LinkedHashMap<>();
        List<Integer> withGpu = new ArrayList<>();
        List<Integer> withoutGpu = new ArrayList<>();
        List<String[]> fields = new ArrayList<>();
        for (int task = 0; task < messages.length; task++) {
            String[] parts = messages[task].split(" ", 2);
            switch (parts[0]) {
                case FAILED_PREFIX -> failures.computeIfAbsent(parts.length > 1 ? parts[1] : "", p -> new ArrayList<>())
                        .add(task);
                case TCP_PREFIX -> withoutGpu.add(task);
                case NCCL_PREFIX -> withGpu.add(task);
                default -> throw malformed(task, messages[task]);
            }
            fields.add(parts);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the training tasks cannot form a group: " + failures.entrySet().stream()
                    .map(failure -> tasks(failure.getValue()) + " failed: " + failure.getKey())
                    .collect(Collectors.joining("; ")));
        }
        if (!withGpu.isEmpty() && !withoutGpu.isEmpty()) {
            throw new IllegalStateException("the training tasks cannot form a group: some have a GPU (NCCL: "
                    + tasks(withGpu) + ") and some none (TCP ring: " + tasks(withoutGpu) + "); every task needs a GPU, or"
                    + " none: ask for one per task (SparkFit.gpusPerTask(1)) where every executor has GPUs, or for none");
        }
        List<String> shards = new ArrayList<>();
        if (withGpu.isEmpty()) {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int task = 0; task < messages.length; task++) {
                String[] parts = fields.get(task)[1].split(" ", 2);
                if (parts.length < 2) {
                    throw malformed(task, messages[task]);
                }
                try {
                    addresses.add(TcpRing.address(parts[0]));
                } catch (IllegalArgumentException e) {
                    throw malformed(task, messages[task]);
                }
                shards.add(parts[1]);
            }
            return new Rendezvous(Kind.TCP_RING, List.copyOf(addresses), null, List.copyOf(shards));
        }
        Map<String, Integer> gpuTasks = new HashMap<>();
        for (int task = 0; task < messages.length; task++) {
            String[] parts = fields.get(task)[1].split(" ", 4);
            if (parts.length < 4) {
                throw malformed(task, messages[task]);
            }
            String gpu = "GPU " + parts[1] + " of " + parts[0];
            Integer other = gpuTasks.putIfAbsent(gpu, task);
            if (other != null) {
                throw new IllegalStateException("the training tasks cannot form a group: tasks " + other + " and " + task
                        + " both run on " + gpu + ", and NCCL needs a GPU of its own for each rank: ask for whole GPUs"
                        + " (SparkFit.gpusPerTask(1), not a fraction in spark.task.resource.gpu.amount)");
            }
            shards.add(parts[3]);
        }
        return new Rendezvous(Kind.NCCL, List.of(), ncclId(fields.get(0)[1].split(" ", 4)[2]), List.copyOf(shards));
    }

    private static byte[] ncclId(String encoded) {
        if (encoded.equals(NO_ID)) {
            throw new IllegalStateException("training task 0 sent no NCCL id at the rendezvous; rank 0 makes it");
        }
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("training task 0 sent '" + encoded + "' as the NCCL id, which is not Base64: "
                    + e.getMessage(), e);
        }
    }

    private static IllegalStateException malformed(int task, String message) {
        return new IllegalStateException("training task " + task + " sent '" + message + "' at the rendezvous, not an"
                + " annonet-spark message (do all executors run the same annonet-spark?)");
    }

    /** "task 1", or "tasks 0, 2". */
    private static String tasks(List<Integer> tasks) {
        return (tasks.size() == 1 ? "task " : "tasks ")
                + tasks.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    Kind kind() {
        return kind;
    }

    /** Every task's ring endpoint, in rank order ({@link Kind#TCP_RING}). */
    List<InetSocketAddress> ringAddresses() {
        return ringAddresses;
    }

    /** The NCCL communicator's id, rank 0's ({@link Kind#NCCL}). */
    byte[] ncclId() {
        return ncclId.clone();
    }

    /** Every task's {@link Shard#describe()}, in rank order. */
    List<String> shards() {
        return shards;
    }
}
