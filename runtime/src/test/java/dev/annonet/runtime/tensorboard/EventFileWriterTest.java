package dev.annonet.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileWriterTest {
    @TempDir
    Path runs;

    @Test
    void twoWritersInOneRunGetAFileEach() throws IOException {
        try (EventFileWriter first = EventFileWriter.open(runs.resolve("train"));
                EventFileWriter second = EventFileWriter.open(runs.resolve("train"))) {
            assertNotEquals(first.file(), second.file());
            assertTrue(first.file().getFileName().toString().matches("events\\.out\\.tfevents\\.\\d+\\.[A-Za-z0-9._-]+"),
                    first.file().toString());
        }
    }

    @Test
    void eventsReachTheFileOnlyWhenFlushed() throws IOException {
        try (EventFileWriter writer = EventFileWriter.open(runs)) {
            long versionOnly = Files.size(writer.file());
            writer.scalar("epoch_loss", 0, 1);
            assertEquals(versionOnly, Files.size(writer.file()));

            writer.flush();

            assertTrue(Files.size(writer.file()) > versionOnly);
        }
    }

    @Test
    void badEventsAndAClosedWriterAreRefused() throws IOException {
        EventFileWriter writer = EventFileWriter.open(runs);
        assertEquals("a TensorBoard tag must not be empty (" + writer.file() + ")",
                assertThrows(IllegalArgumentException.class, () -> writer.scalar("", 0, 1)).getMessage());
        assertEquals("step of 'epoch_loss' must not be negative, not -1",
                assertThrows(IllegalArgumentException.class, () -> writer.scalar("epoch_loss", -1, 1)).getMessage());
        writer.close();
        assertEquals("the TensorBoard event file " + writer.file() + " is closed",
                assertThrows(IllegalStateException.class, () -> writer.scalar("epoch_loss", 0, 1)).getMessage());
    }

    @Test
    void aFileRemovedUnderTheWriterIsNamed() throws IOException {
        EventFileWriter writer = EventFileWriter.open(runs);
        writer.scalar("epoch_loss", 0, 1);
        Files.delete(writer.file());

        IOException e = assertThrows(IOException.class, writer::flush);

        assertTrue(e.getMessage().startsWith("cannot write TensorBoard events to " + writer.file() + ": "), e.getMessage());
    }
}
