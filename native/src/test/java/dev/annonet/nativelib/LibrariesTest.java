package dev.annonet.nativelib;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.CudaLibrary;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Platform;
import org.junit.jupiter.api.Test;

class LibrariesTest {

    /** Names annonet's own library, which loads, but no build put this class's functions in it. */
    @Platform(library = "jniCudaLibrary")
    static final class LeftOutBinding {
        static native long launches();
    }

    @Test
    void aBindingLeftOutOfTheLibraryItNamesIsReportedAsSuch() {
        String problem = Libraries.load(LeftOutBinding.class, "LeftOut's kernels", LeftOutBinding::launches);
        assertTrue(problem != null && problem.startsWith("LeftOut's kernels are not in the library that LeftOutBinding names")
                && problem.endsWith("the build that made it did not list " + LeftOutBinding.class.getName()), problem);
    }

    @Test
    void aBindingBuiltIntoItsLibraryLoads() {
        assertNull(Libraries.load(CudaLibrary.class, "annonet's native library", CudaLibrary::compiledWithCuda));
    }

    @Test
    void aMissingLibrarySaysWhichDidNotLoad() {
        String problem = Libraries.load(Unbuilt.class, "Unbuilt's kernels");
        assertTrue(problem != null && problem.startsWith("Unbuilt's kernels did not load on " + Loader.getPlatform() + ": "), problem);
    }

    @Platform(library = "jniNoSuchLibrary")
    static final class Unbuilt {
    }
}
