package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Philox4x32-10 against Random123's published answers (its tests/kat_vectors), and the mask's use of it. */
class Philox4x32Test {
    private final int[] block = new int[Philox4x32.WORDS];

    @Test
    void matchesRandom123sKnownAnswers() {
        Philox4x32.block(0, 0, 0, 0, 0, 0, block);
        assertArrayEquals(new int[] {0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8}, block, "zero counter and key");
        Philox4x32.block(-1, -1, -1, -1, -1, -1, block);
        assertArrayEquals(new int[] {0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD}, block, "all-ones counter and key");
        Philox4x32.block(0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0, block);
        assertArrayEquals(new int[] {0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1}, block, "the digits of pi");
    }

    /** The mask's key is the seed and its counter (group, step), low words first: element_math.cuh's layout. */
    @Test
    void theMaskKeysBySeedAndCountsGroupThenStep() {
        DropoutMask.block(0x299F31D0A4093822L, 0x0370734413198A2EL, 0x85A308D3243F6A88L, block);
        assertArrayEquals(new int[] {0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1}, block);
    }

    /** Lane l of a group is the l-th 16 bits of the block, low half of each word first. */
    @Test
    void eachElementOfAGroupReadsItsOwn16Bits() {
        DropoutMask.block(0, 0, 0, block); // the zero answer: 6627E8D5 E169C58D BC57AC4C 9B00DBD8
        int[] lanes = {0xE8D5, 0x6627, 0xC58D, 0xE169, 0xAC4C, 0xBC57, 0xDBD8, 0x9B00};
        for (int lane = 0; lane < DropoutMask.GROUP; lane++) {
            assertEquals(lanes[lane], DropoutMask.lane(block, lane), "lane " + lane);
            // threshold(rate) == lanes[lane] keeps the element; one more drops it.
            double keptAtItsOwnThreshold = lanes[lane] / 65536.0;
            assertTrue(DropoutMask.keep(0, 0, lane, keptAtItsOwnThreshold), "lane " + lane + " kept");
            assertFalse(DropoutMask.keep(0, 0, lane, (lanes[lane] + 1) / 65536.0), "lane " + lane + " dropped");
        }
    }
}
