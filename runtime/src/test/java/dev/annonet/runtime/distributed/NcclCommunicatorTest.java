package dev.annonet.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Without NCCL (this project's build machines): the binding loads, and every way in says that
 * libnccl.so.2 is missing, where it was looked for and how to install it, instead of crashing.
 */
class NcclCommunicatorTest {

    @Test
    void aMachineWithoutNcclIsToldWhatIsMissing() {
        String problem = NcclCommunicator.loadProblem();
        Assumptions.assumeFalse(problem.isEmpty(), "NCCL is installed here; the GPU check runs its tests");
        assertTrue(problem.contains("libnccl.so.2") && problem.contains("LD_LIBRARY_PATH")
                && problem.contains("nvidia-nccl"), problem);
        CommunicatorException noId = assertThrows(CommunicatorException.class, NcclCommunicator::uniqueId);
        assertEquals(problem, noId.getMessage());
        CommunicatorException noJoin = assertThrows(CommunicatorException.class,
                () -> NcclCommunicator.join(new byte[128], 0, 1, 0, Duration.ofSeconds(1)));
        assertEquals(problem, noJoin.getMessage());
    }

    @Test
    void badArgumentsAreRefusedBeforeNcclIsNeeded() {
        IllegalArgumentException shortId = assertThrows(IllegalArgumentException.class,
                () -> NcclCommunicator.join(new byte[16], 0, 1, 0, Duration.ofSeconds(1)));
        assertTrue(shortId.getMessage().contains("128 bytes"), shortId.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NcclCommunicator.join(new byte[128], 2, 2, 0, Duration.ofSeconds(1)));
    }

    @Test
    void theLibraryPathIsLookedAtFirstThenTheWheels() {
        assertEquals("libnccl.so.2", NcclCommunicator.candidates().get(0));
    }
}
