package dev.annonet.cuda;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The GPUs a CUDA library has code for, read from the architectures it was compiled for ({@link
 * CudaLibrary#cudaArchitectures()}, nvcc's {@code __CUDA_ARCH_LIST__}): SASS for each ({@code
 * sm_XY} runs on compute capability X.Z for every Z ≥ Y), and PTX for the newest, which the driver
 * compiles for any GPU at least that new. annonet's builds embed PTX for the newest architecture
 * they list (the {@code -gencode} options), so that is what this assumes.
 *
 * @param architectures compute capabilities as major · 10 + minor, ascending (75, 80, ...); none without nvcc
 */
public record CudaTargets(List<Integer> architectures) {

    public CudaTargets {
        architectures = List.copyOf(architectures);
    }

    /** The targets of a list such as "750,800,900" (compute_XY written XY0); "" for a library without GPU code. */
    public static CudaTargets parse(String list) {
        String trimmed = list.trim();
        if (trimmed.isEmpty()) {
            return new CudaTargets(List.of());
        }
        try {
            return new CudaTargets(Arrays.stream(trimmed.split(",")).map(a -> Integer.parseInt(a.trim()) / 10)
                    .sorted().distinct().toList());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CUDA architecture list: \"" + list + "\"", e);
        }
    }

    /** Whether a GPU of compute capability {@code capability} (major · 10 + minor) runs this code. */
    public boolean runsOn(int capability) {
        if (architectures.isEmpty()) {
            return false;
        }
        if (capability >= newest()) {
            return true; // the newest's SASS, or its PTX compiled by the driver
        }
        return architectures.stream().anyMatch(a -> a / 10 == capability / 10 && a % 10 <= capability % 10);
    }

    /** Null when a GPU of compute capability {@code capability} runs this code, else why not. */
    public String problem(int capability) {
        if (runsOn(capability)) {
            return null;
        }
        String version = capability / 10 + "." + capability % 10;
        return architectures.isEmpty() ? "the library was built without nvcc, so it has code for no GPU"
                : "compute capability " + version + " is not among the targets it was compiled for: " + this;
    }

    private int newest() {
        return architectures.get(architectures.size() - 1);
    }

    /** "sm_75, sm_80, sm_90 and compute_90 PTX (for 9.0 and newer)". */
    @Override
    public String toString() {
        if (architectures.isEmpty()) {
            return "no GPU";
        }
        return architectures.stream().map(a -> "sm_" + a).collect(Collectors.joining(", "))
                + " and compute_" + newest() + " PTX (for " + newest() / 10 + "." + newest() % 10 + " and newer)";
    }
}
