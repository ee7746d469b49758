package dev.annonet.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which GPUs a library's code runs on: SASS within its major version, PTX of the newest on anything newer. */
class CudaTargetsTest {
    private static final CudaTargets SHIPPED = CudaTargets.parse("750,800,860,890,900");

    @Test
    void readsNvccsArchitectureList() {
        assertEquals(List.of(75, 80, 86, 89, 90), SHIPPED.architectures());
        assertEquals(List.of(80, 90), CudaTargets.parse(" 900, 800 ").architectures());
        assertEquals("sm_75, sm_80, sm_86, sm_89, sm_90 and compute_90 PTX (for 9.0 and newer)", SHIPPED.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaTargets.parse("sm_75"));
        assertTrue(e.getMessage().contains("sm_75"), e.getMessage());
    }

    @Test
    void sassRunsOnItsMajorVersionFromItsMinorUp() {
        assertTrue(SHIPPED.runsOn(75), "T4");
        assertTrue(SHIPPED.runsOn(87), "Jetson Orin, on sm_86's code");
        assertFalse(SHIPPED.runsOn(70), "V100");
        assertFalse(SHIPPED.runsOn(72), "Xavier: sm_75's code needs 7.5");
        CudaTargets withoutTuring = CudaTargets.parse("800,860,890,900");
        assertFalse(withoutTuring.runsOn(75));
        assertTrue(withoutTuring.runsOn(80));
    }

    @Test
    void thePtxOfTheNewestRunsOnEveryNewerGpu() {
        assertTrue(SHIPPED.runsOn(90), "H100");
        assertTrue(SHIPPED.runsOn(100), "B200");
        assertTrue(SHIPPED.runsOn(120), "RTX 50xx");
        assertTrue(CudaTargets.parse("800").runsOn(86), "sm_80's SASS on 8.6");
        assertTrue(CudaTargets.parse("800").runsOn(90), "compute_80's PTX on 9.0");
    }

    @Test
    void saysWhyAGpuIsNotRun() {
        assertNull(SHIPPED.problem(75));
        String v100 = SHIPPED.problem(70);
        assertTrue(v100.contains("compute capability 7.0") && v100.contains(SHIPPED.toString()), v100);
        String hostOnly = CudaTargets.parse("").problem(90);
        assertTrue(hostOnly.contains("without nvcc"), hostOnly);
        assertFalse(CudaTargets.parse("").runsOn(90));
    }
}
