package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class DeviceTest {

    @Test
    void autoPicksTheCpuBackendWhileThereIsNoCudaBackend() {
        assertSame(Device.cpu(), Device.auto());
        assertSame(Device.auto(), Device.auto());
    }

    @Test
    void devicesNameTheirBackends() {
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("reference", Device.reference().toString());
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 1, 2, 3, 2, 0)) {
            assertEquals("cpu", model.backend.name());
            assertEquals("HandScheduledMlp on cpu", model.toString());
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 3, 2, 0)) {
            assertEquals("reference", model.backend.name());
        }
    }
}
