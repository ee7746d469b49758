package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.LoggedMessages;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which kernels a CUDA backend runs: a network's own when their library loads, else the generic ones, said once. */
class CudaBackendNetworkKernelsTest {

    @Test
    void kernelsThatLoadServeTheBackendsKernelCalls() {
        List<String> calls = new ArrayList<>();
        NetworkKernels recording = kernels("Recording's generated CUDA kernels", null, CudaLibrary.contextLayout(), calls);
        try (CudaBackend backend = CudaBackend.hostExecutor(false, recording)) {
            assertSame(recording, backend.kernels());
            Memory z = backend.allocate(6);
            Memory y = backend.allocate(6);
            backend.biasActivation(ActivationFunction.of(Activation.Kind.RELU), 2, 3, z, 0, null, 0, y, 0);
            backend.columnSums(2, 3, z, 0, y, 0);
        }
        assertEquals(List.of("loadProblem", "biasActivation", "columnSums"), calls);
    }

    @Test
    void kernelsWhoseLibraryIsMissingGiveWayToTheGenericOnesWithOneLogLine() {
        List<String> calls = new ArrayList<>();
        NetworkKernels unbuilt = kernels("Unbuilt's generated CUDA kernels", "no jniUnbuiltCudaKernels in java.library.path",
                CudaLibrary.contextLayout(), calls);
        String said = theOneLogLineOfTwoHostExecutorsOn(unbuilt, "Unbuilt's");
        assertEquals(List.of("loadProblem", "loadProblem"), calls, "nothing but the load check reached the unbuilt kernels");
        assertTrue(said.contains("annonet-native's generic kernels run instead: no jniUnbuiltCudaKernels in java.library.path")
                && said.contains("README"), said);
    }

    @Test
    void kernelsBuiltAgainstAnotherContextLayoutGiveWayToTheGenericOnes() {
        List<String> calls = new ArrayList<>();
        String oldLayout = "annonet context abi 1, cuda: 96 bytes, ordinal@0 stream@8 blas@16 blas_handle@72 reduction_scratch@88";
        NetworkKernels stale = kernels("Stale's generated CUDA kernels", null, oldLayout, calls);
        String said = theOneLogLineOfTwoHostExecutorsOn(stale, "Stale's");
        assertEquals(List.of("loadProblem", "loadProblem"), calls, "no kernel call reached the mismatched library");
        assertTrue(said.contains("another version of annonet's headers") && said.contains(oldLayout)
                && said.contains(CudaLibrary.contextLayout()), said);
    }

    @Test
    void kernelsWithoutCodeForTheGpuAreRefusedAndTheOnesWithItAccepted() {
        NetworkKernels forAmpereAndHopper = kernels("Mine", null, CudaLibrary.contextLayout(), new ArrayList<>(), "800,900");
        String t4 = CudaSupport.networkKernelsProblem(forAmpereAndHopper, CudaLibrary.contextLayout(), 75);
        assertTrue(t4 != null && t4.contains("compute capability 7.5") && t4.contains("sm_80, sm_90")
                && t4.contains("-gencode"), t4);
        assertNull(CudaSupport.networkKernelsProblem(forAmpereAndHopper, CudaLibrary.contextLayout(), 86));
        assertNull(CudaSupport.networkKernelsProblem(forAmpereAndHopper, CudaLibrary.contextLayout(), 120), "PTX");
        assertNull(CudaSupport.networkKernelsProblem(forAmpereAndHopper, CudaLibrary.contextLayout(), CudaSupport.HOST),
                "the host executor runs any");
    }

    /** Creates two host-executor backends for {@code kernels}, checks both run the generic kernels, and returns the one log line. */
    private static String theOneLogLineOfTwoHostExecutorsOn(NetworkKernels kernels, String prefix) {
        List<String> messages;
        try (LoggedMessages logged = LoggedMessages.all()) {
            for (int model = 0; model < 2; model++) {
                try (CudaBackend backend = CudaBackend.hostExecutor(false, kernels)) {
                    assertSame(NetworkKernels.generic(), backend.kernels());
                }
            }
            messages = logged.messages();
        }
        List<String> said = messages.stream().filter(m -> m.startsWith(prefix)).toList();
        assertEquals(1, said.size(), messages.toString());
        return said.get(0);
    }

    /**
     * Kernels that record each call by name and otherwise are the generic ones; {@code loadProblem}
     * and {@code contextLayout} as given, and compiled for annonet-native's architectures.
     */
    private static NetworkKernels kernels(String description, String loadProblem, String contextLayout, List<String> calls) {
        return kernels(description, loadProblem, contextLayout, calls, CudaLibrary.cudaArchitectures());
    }

    private static NetworkKernels kernels(String description, String loadProblem, String contextLayout, List<String> calls,
                                          String architectures) {
        return (NetworkKernels) Proxy.newProxyInstance(NetworkKernels.class.getClassLoader(), new Class<?>[] {NetworkKernels.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "description":
                            return description;
                        case "loadProblem":
                            calls.add("loadProblem");
                            return loadProblem;
                        case "contextLayout":
                            return contextLayout;
                        case "cudaArchitectures":
                            return architectures;
                        default:
                            calls.add(method.getName());
                            try {
                                return method.invoke(NetworkKernels.generic(), args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }
}
