package dev.annonet.spark;

import java.util.OptionalInt;

/**
 * The GPU a task runs on, read from the addresses Spark assigned it
 * ({@code TaskContext.resources().get("gpu")}): the first, as the number CUDA gives that GPU on the
 * executor, which is what a discovery script such as Spark's {@code getGpusResources.sh} prints. A
 * task uses one GPU; without an address it runs on the CPU.
 */
final class TaskGpu {
    private TaskGpu() {
    }

    /** The CUDA device number of the task's GPU, or empty for a task that Spark gave no GPU. */
    static OptionalInt ordinal(String[] addresses) {
        if (addresses == null || addresses.length == 0) {
            return OptionalInt.empty();
        }
        String first = addresses[0].trim();
        if (first.matches("\\d{1,9}")) {
            return OptionalInt.of(Integer.parseInt(first));
        }
        throw new IllegalArgumentException("Spark gave this task the GPU address '" + addresses[0] + "', which is not a"
                + " CUDA device number; annonet runs a task on the GPU its first address numbers, so the cluster's GPU"
                + " discovery script must print CUDA's device numbers (as Spark's getGpusResources.sh does)");
    }
}
