package dev.annonet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The rendezvous every training task decides alike from the messages allGather returns, without Spark or a GPU. */
class RendezvousTest {
    private static final byte[] ID = {0, 1, 2, (byte) 0xfe, (byte) 0xff, 32, 10};

    @Test
    void tasksWithoutAGpuFormTheTcpRingAtTheirAddressesInRankOrder() {
        Rendezvous rendezvous = Rendezvous.agree(new String[] {
            Rendezvous.tcpRingMessage("10.0.0.1", 40001, "10 20 4"),
            Rendezvous.tcpRingMessage("10.0.0.2", 40002, "0 0 0")});
        assertEquals(Rendezvous.Kind.TCP_RING, rendezvous.kind());
        assertEquals(List.of(new InetSocketAddress("10.0.0.1", 40001), new InetSocketAddress("10.0.0.2", 40002)),
                rendezvous.ringAddresses());
        assertEquals(List.of("10 20 4", "0 0 0"), rendezvous.shards());
    }

    @Test
    void tasksWithAGpuJoinTheNcclCommunicatorRankZeroMade() {
        Rendezvous rendezvous = Rendezvous.agree(new String[] {
            Rendezvous.ncclMessage("host-a", 0, ID, "5 20 4"),
            Rendezvous.ncclMessage("host-a", 1, null, "6 20 4"),
            Rendezvous.ncclMessage("host-b", 0, null, "7 20 4")});
        assertEquals(Rendezvous.Kind.NCCL, rendezvous.kind());
        assertArrayEquals(ID, rendezvous.ncclId());
        assertEquals(List.of("5 20 4", "6 20 4", "7 20 4"), rendezvous.shards());
    }

    @Test
    void someTasksWithAGpuAndSomeWithoutFailEveryTaskNamingThem() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.ncclMessage("host-a", 0, ID, "5 20 4"),
            Rendezvous.tcpRingMessage("host-b", 40002, "5 20 4"),
            Rendezvous.ncclMessage("host-c", 0, null, "5 20 4")}));
        assertTrue(e.getMessage().contains("some have a GPU (NCCL: tasks 0, 2) and some none (TCP ring: task 1)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("gpusPerTask(1)"), e.getMessage());
    }

    @Test
    void aTaskThatCouldNotPrepareFailsEveryTaskWithItsProblem() {
        String missing = "cannot load libnccl.so.2: looked in /usr/lib\nand /opt/nccl";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.failedMessage(missing),
            Rendezvous.failedMessage(missing),
            Rendezvous.failedMessage("column 'features' holds 3 values in row 2 of partition 2")}));
        assertEquals("the training tasks cannot form a group: tasks 0, 1 failed: " + missing
                + "; task 2 failed: column 'features' holds 3 values in row 2 of partition 2", e.getMessage());
    }

    @Test
    void aFailureOutranksAMixOfKinds() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.tcpRingMessage("host-a", 40001, "5 20 4"),
            Rendezvous.failedMessage("cannot load libnccl.so.2")}));
        assertEquals("the training tasks cannot form a group: task 1 failed: cannot load libnccl.so.2", e.getMessage());
    }

    @Test
    void twoRanksOnOneGpuAreRefusedBeforeNcclSeesThem() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.ncclMessage("host-a", 0, ID, "5 20 4"),
            Rendezvous.ncclMessage("host-b", 0, null, "5 20 4"),
            Rendezvous.ncclMessage("host-a", 0, null, "5 20 4")}));
        assertTrue(e.getMessage().contains("tasks 0 and 2 both run on GPU 0 of host-a"), e.getMessage());
    }

    @Test
    void rankZeroWithoutAnIdOrWithAMalformedOneIsNamed() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.ncclMessage("host-a", 0, null, "5 20 4")}));
        assertTrue(none.getMessage().contains("task 0 sent no NCCL id"), none.getMessage());
        IllegalStateException malformed = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(
                new String[] {"nccl host-a 0 *** 5 20 4"}));
        assertTrue(malformed.getMessage().contains("sent '***' as the NCCL id, which is not Base64"), malformed.getMessage());
    }

    @Test
    void aMessageOfAnotherKindOrVersionIsNamed() {
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(new String[] {
            Rendezvous.tcpRingMessage("host-a", 40001, "5 20 4"), "host-b:40002 5 20 4"}));
        assertTrue(unknown.getMessage().startsWith("training task 1 sent 'host-b:40002 5 20 4' at the rendezvous"),
                unknown.getMessage());
        IllegalStateException truncated = assertThrows(IllegalStateException.class, () -> Rendezvous.agree(
                new String[] {"nccl host-a 0"}));
        assertTrue(truncated.getMessage().startsWith("training task 0 sent 'nccl host-a 0'"), truncated.getMessage());
    }

    @Test
    void aTaskRunsOnItsFirstGpuAddressOrOnTheCpu() {
        assertEquals(OptionalInt.empty(), TaskGpu.ordinal(null));
        assertEquals(OptionalInt.empty(), TaskGpu.ordinal(new String[0]));
        assertEquals(OptionalInt.of(3), TaskGpu.ordinal(new String[] {"3", "4"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskGpu.ordinal(new String[] {"GPU-5f1c2a"}));
        assertTrue(e.getMessage().startsWith("Spark gave this task the GPU address 'GPU-5f1c2a', which is not a CUDA"
                + " device number"), e.getMessage());
    }
}
