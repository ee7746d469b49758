package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.NetworkKernels;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Which kernels a CUDA backend runs: a network's own when their library loads, else the generic ones, said once. */
class CudaBackendNetworkKernelsTest {

    @Test
    void kernelsThatLoadServeTheBackendsKernelCalls() {
        List<String> calls = new ArrayList<>();
        NetworkKernels recording = kernels("Recording's generated CUDA kernels", null, calls);
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
        NetworkKernels unbuilt = kernels("Unbuilt's generated CUDA kernels", "no jniUnbuiltCudaKernels in java.library.path", calls);
        List<String> messages = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.annonet.runtime");
        logger.addHandler(handler);
        try {
            for (int model = 0; model < 2; model++) {
                try (CudaBackend backend = CudaBackend.hostExecutor(false, unbuilt)) {
                    assertSame(NetworkKernels.generic(), backend.kernels());
                }
            }
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(List.of("loadProblem", "loadProblem"), calls, "nothing but the load check reached the unbuilt kernels");
        List<String> said = messages.stream().filter(m -> m.startsWith("Unbuilt's")).toList();
        assertEquals(1, said.size(), messages.toString());
        assertTrue(said.get(0).contains("annonet-native's generic kernels run instead (no jniUnbuiltCudaKernels in java.library.path)")
                && said.get(0).contains("README"), said.get(0));
    }

    /** Kernels that record each call by name and otherwise are the generic ones; {@code loadProblem} as given. */
    private static NetworkKernels kernels(String description, String loadProblem, List<String> calls) {
        return (NetworkKernels) Proxy.newProxyInstance(NetworkKernels.class.getClassLoader(), new Class<?>[] {NetworkKernels.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "description":
                            return description;
                        case "loadProblem":
                            calls.add("loadProblem");
                            return loadProblem;
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
