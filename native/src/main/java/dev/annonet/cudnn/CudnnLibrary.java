package dev.annonet.cudnn;

import dev.annonet.nativelib.Libraries;
import dev.annonet.nativelib.WheelLibraries;
import java.util.List;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding of {@code annonet/cudnn.h}: cuDNN 9 opened with dlopen at run time, as cuBLAS
 * and NCCL are. Built by the host C++ compiler on every machine, against no cuDNN header; cuDNN
 * itself is needed only where it runs. {@link #loadProblem()} says whether it loads here and, when
 * not, why: the binding, the library (where it was looked for), or its version.
 */
@Platform(include = "annonet/cudnn.h", link = "dl")
@Namespace("annonet::cudnn")
public final class CudnnLibrary {
    private CudnnLibrary() {
    }

    private static final String BINDING_PROBLEM = Libraries.load(CudnnLibrary.class, "annonet's cuDNN binding");

    /**
     * "" when cuDNN 9 loads from the first of {@link #candidates()} that dlopen accepts, else why
     * not. Once loaded it stays loaded; a failure is looked at again on the next call.
     */
    public static synchronized String loadProblem() {
        return BINDING_PROBLEM != null ? BINDING_PROBLEM : load(String.join("\n", candidates()));
    }

    /**
     * Where cuDNN is looked for, in order: {@code -Dannonet.cudnn.library=PATH}, {@code
     * libcudnn.so.9} on the library path, the CUDA toolkit's folder, then the {@code nvidia-cudnn}
     * wheel of a Python environment (where PyTorch's pip install puts it).
     */
    public static List<String> candidates() {
        List<String> candidates = WheelLibraries.candidates("annonet.cudnn.library", "libcudnn.so.9",
                "nvidia/cudnn/lib/libcudnn.so.9");
        candidates.add(candidates.indexOf("libcudnn.so.9") + 1, "/usr/local/cuda/lib64/libcudnn.so.9");
        return candidates;
    }

    /**
     * Opens cuDNN from the first of {@code candidates} (file paths or library names, one per line)
     * that loads: "" when it is cuDNN 9 with every entry point used, else why not.
     */
    @Name("load")
    public static native String load(String candidates);

    /** cuDNN's version (90100 for 9.1.0), 0 when it is not loaded. */
    @Name("version")
    public static native int version();

    /** The CUDA runtime version cuDNN was built for (13000 for 13.0), 0 when it is not loaded. */
    @Name("cudart_version")
    public static native int cudartVersion();
}
