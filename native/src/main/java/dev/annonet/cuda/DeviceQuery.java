package dev.annonet.cuda;

import dev.annonet.cudnn.CudnnLibrary;

/**
 * Says what annonet's native library can do here: whether nvcc built it, and the GPUs it sees (or
 * why it sees none). Exit status 0 when there is a GPU, 2 otherwise.
 *
 * <pre>java -cp annonet-native.jar:javacpp.jar dev.annonet.cuda.DeviceQuery</pre>
 */
public final class DeviceQuery {
    private DeviceQuery() {
    }

    public static void main(String[] args) {
        String problem = CudaLibrary.load();
        if (problem != null) {
            System.out.println(problem);
            System.exit(2);
        }
        CudaTargets targets = CudaTargets.parse(CudaLibrary.cudaArchitectures());
        System.out.println("annonet native library: " + (CudaLibrary.compiledWithCuda()
                ? "CUDA kernels compiled by nvcc for " + targets : "host executor only (built without nvcc)"));
        String blasProblem = CudaLibrary.blasLoadProblem();
        System.out.println("cuBLAS: " + (blasProblem.isEmpty() ? "loads" : blasProblem));
        String ltProblem = CudaLibrary.ltLoadProblem();
        System.out.println("cuBLASLt: " + (ltProblem.isEmpty() ? "loads (fused GEMM epilogues)" : ltProblem));
        String cudnnProblem = CudnnLibrary.loadProblem();
        System.out.println("cuDNN: " + (cudnnProblem.isEmpty() ? "loads, version " + CudnnLibrary.version() : cudnnProblem));
        int count = CudaLibrary.deviceCount();
        if (count <= 0) {
            System.out.println("no GPU: " + (count == 0 ? "the driver reports none" : CudaLibrary.lastError()));
            System.exit(2);
        }
        for (int i = 0; i < count; i++) {
            int capability = CudaLibrary.deviceComputeCapability(i);
            String unsupported = capability < 0 ? CudaLibrary.lastError() : targets.problem(capability);
            System.out.println("GPU " + i + ": " + CudaLibrary.deviceDescription(i)
                    + (unsupported == null ? "" : ": not supported: " + unsupported));
        }
    }
}
