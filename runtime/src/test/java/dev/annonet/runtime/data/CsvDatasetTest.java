package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir
    Path directory;

    @Test
    void readsLinesInAnyOrderWithTheLabelTakenOut() throws IOException {
        Path file = write("a.csv", "x1;label;x2\r\n0.5;2;-1e-3\r\n 7 ;0; 8\r\n-2.25;1;3\r\n");
        try (CsvDataset data = CsvDataset.open(file, CsvDataset.options().header(true).delimiter(';').labelColumn(1).classes(3))) {
            assertEquals(3, data.size());
            assertEquals(2, data.inputWidth());
            assertEquals(1, data.targetWidth());
            assertEquals(3, data.classes());
            float[] inputs = new float[6];
            float[] targets = new float[3];
            data.read(new long[] {2, 0, 1}, 3, inputs, targets);
            assertArrayEquals(new float[] {-2.25f, 3, 0.5f, -1e-3f, 7, 8}, inputs);
            assertArrayEquals(new float[] {1, 2, 0}, targets);
        }
    }

    @Test
    void aRegressionTargetAndNoFinalLineBreak() throws IOException {
        Path file = write("b.csv", "1,2,3.5\n4,5,-6");
        try (CsvDataset data = CsvDataset.open(file, CsvDataset.options().labelColumn(2))) {
            assertEquals(2, data.size());
            assertEquals(0, data.classes());
            float[] inputs = new float[2];
            float[] targets = new float[1];
            data.read(new long[] {1}, 1, inputs, targets);
            assertArrayEquals(new float[] {4, 5}, inputs);
            assertArrayEquals(new float[] {-6}, targets);
        }
    }

    @Test
    void aFieldThatIsNotANumberIsNamedByFileLineAndColumn() throws IOException {
        Path file = write("c.csv", "label,a,b\n1,2,3\n0,4,x7\n3,1,1\nNaN,1,1\n");
        try (CsvDataset data = CsvDataset.open(file, CsvDataset.options().header(true).classes(3))) {
            float[] inputs = new float[2];
            float[] targets = new float[1];
            assertMessage(file + ", line 3, column 3: 'x7' is not a number", () -> data.read(new long[] {1}, 1, inputs, targets));
            assertMessage(file + ", line 4, column 1: label 3.0 is not a class index in [0, 3)",
                    () -> data.read(new long[] {2}, 1, inputs, targets));
            assertMessage(file + ", line 5, column 1: 'NaN' is not a finite number",
                    () -> data.read(new long[] {3}, 1, inputs, targets));
        }
    }

    @Test
    void malformedFilesAreRefusedWhenOpened() throws IOException {
        Path ragged = write("ragged.csv", "1,2,3\n4,5\n");
        Path blank = write("blank.csv", "1,2\n\n3,4\n");
        Path headerOnly = write("header.csv", "a,b\n");
        Path oneColumn = write("one.csv", "1\n2\n");
        assertMessage(ragged + ", line 2 has 2 fields, but the first line of data has 3",
                () -> CsvDataset.open(ragged, CsvDataset.options()));
        assertMessage(blank + ", line 2 is empty", () -> CsvDataset.open(blank, CsvDataset.options()));
        assertMessage(headerOnly + " holds no samples", () -> CsvDataset.open(headerOnly, CsvDataset.options().header(true)));
        assertMessage(oneColumn + " has one column: it needs inputs besides the label",
                () -> CsvDataset.open(oneColumn, CsvDataset.options()));
        Path good = write("good.csv", "1,2,3\n");
        assertMessage(good + " has 3 columns, so it has no label column 3",
                () -> CsvDataset.open(good, CsvDataset.options().labelColumn(3)));
        assertThrows(IllegalArgumentException.class, () -> CsvDataset.options().delimiter('.'));
    }

    private interface Call {
        void run() throws IOException;
    }

    private static void assertMessage(String expected, Call call) {
        IOException e = assertThrows(IOException.class, call::run);
        assertEquals(expected, e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(directory.resolve(name), text);
    }
}
