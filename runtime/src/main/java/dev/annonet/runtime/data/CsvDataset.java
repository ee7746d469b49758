package dev.annonet.runtime.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A CSV file of numbers, one sample a line, read a batch at a time from any line: one column is
 * the target, the others the inputs, in file order. Opening reads the file once to find where each
 * line starts (8 bytes of memory a line) and checks that every line has as many fields; numbers
 * are parsed as batches are read, and one that does not parse is an {@link IOException} naming
 * the file, line and column. Fields are plain numbers: no quoting, and no blank lines.
 */
public final class CsvDataset implements Dataset {
    private final Options options;
    private final MappedFile file;
    /** Where each line starts, then the file's end: line i is bytes [starts[i], starts[i + 1]). */
    private final long[] starts;
    private final int fields;
    private final byte[] line;

    /** How a file is laid out: {@code CsvDataset.options().header(true).labelColumn(0).classes(10)}. */
    public static final class Options {
        private boolean header;
        private char delimiter = ',';
        private int labelColumn;
        private int classes;

        private Options() {
        }

        /** Whether the first line names the columns (and is skipped). Default: no. */
        public Options header(boolean header) {
            this.header = header;
            return this;
        }

        /** The field separator. Default: a comma. */
        public Options delimiter(char delimiter) {
            if (delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-' || Character.isDigit(delimiter)) {
                throw new IllegalArgumentException("'" + delimiter + "' cannot separate numbers");
            }
            this.delimiter = delimiter;
            return this;
        }

        /** The column, counted from 0, that holds the target. Default: 0. */
        public Options labelColumn(int labelColumn) {
            if (labelColumn < 0) {
                throw new IllegalArgumentException("labelColumn must be 0 or more, was " + labelColumn);
            }
            this.labelColumn = labelColumn;
            return this;
        }

        /**
         * The number of classes when the target column holds class indices 0, 1, ... (then fit
         * takes them as one-hot rows or sparse indices, as its loss needs); 0, the default, when
         * it holds a number to regress.
         */
        public Options classes(int classes) {
            if (classes < 0) {
                throw new IllegalArgumentException("classes must be 0 or more, was " + classes);
            }
            this.classes = classes;
            return this;
        }
    }

    /** Default options: no header, commas, the target in column 0, a number to regress. */
    public static Options options() {
        return new Options();
    }

    private CsvDataset(Options options, MappedFile file, long[] starts, int fields, int longestLine) {
        this.options = options;
        this.file = file;
        this.starts = starts;
        this.fields = fields;
        this.line = new byte[longestLine];
    }

    public static CsvDataset open(Path path, Options options) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such CSV file");
        }
        Options copy = new Options();
        copy.header = options.header;
        copy.delimiter = options.delimiter;
        copy.labelColumn = options.labelColumn;
        copy.classes = options.classes;
        Lines lines = Lines.scan(path, copy);
        if (lines.count == 0) {
            throw new IOException(path + " holds no samples");
        }
        if (copy.labelColumn >= lines.fields) {
            throw new IOException(path + " has " + lines.fields + " columns, so it has no label column " + copy.labelColumn);
        }
        if (lines.fields < 2) {
            throw new IOException(path + " has one column: it needs inputs besides the label");
        }
        return new CsvDataset(copy, new MappedFile(path, Math.max(1, lines.longest)),
                Arrays.copyOf(lines.starts, lines.count + 1), lines.fields, lines.longest);
    }

    @Override
    public long size() {
        return starts.length - 1;
    }

    @Override
    public int inputWidth() {
        return fields - 1;
    }

    @Override
    public int targetWidth() {
        return 1;
    }

    @Override
    public int classes() {
        return options.classes;
    }

    @Override
    public String source() {
        return file.path().toString();
    }

    /** Parses each field with {@link Float#parseFloat}, which takes a String: one small String a field. */
    @Override
    public void read(long[] samples, int count, float[] inputs, float[] targets) throws IOException {
        int inputWidth = fields - 1;
        for (int i = 0; i < count; i++) {
            int sample = Math.toIntExact(samples[i]);
            long start = starts[sample];
            int length = lineLength(start, starts[sample + 1]);
            file.read(start, line, 0, length);
            int column = 0;
            int input = i * inputWidth;
            int fieldStart = 0;
            for (int b = 0; b <= length; b++) {
                if (b == length || line[b] == options.delimiter) {
                    float value = parse(sample, column, fieldStart, b);
                    if (column == options.labelColumn) {
                        targets[i] = label(sample, column, value);
                    } else {
                        inputs[input++] = value;
                    }
                    column++;
                    fieldStart = b + 1;
                }
            }
        }
    }

    /** A line's bytes without its line break ("\n" or "\r\n"). */
    private int lineLength(long start, long end) {
        long length = end - start;
        if (length > 0 && file.read(start + length - 1) == '\n') {
            length--;
        }
        if (length > 0 && file.read(start + length - 1) == '\r') {
            length--;
        }
        return (int) length;
    }

    private float parse(int sample, int column, int from, int to) throws IOException {
        String text = new String(line, from, to - from, StandardCharsets.ISO_8859_1).strip();
        float value;
        try {
            value = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new IOException(where(sample, column) + ": '" + text + "' is not a number", e);
        }
        if (!Float.isFinite(value)) {
            throw new IOException(where(sample, column) + ": '" + text + "' is not a finite number");
        }
        return value;
    }

    private float label(int sample, int column, float value) throws IOException {
        if (options.classes > 0 && !(value >= 0 && value < options.classes && value == Math.rint(value))) {
            throw new IOException(where(sample, column) + ": label " + value + " is not a class index in [0, "
                    + options.classes + ")");
        }
        return value;
    }

    /** The file, line (counted from 1, the header included) and column (from 1) of a field. */
    private String where(int sample, int column) {
        return file.path() + ", line " + (sample + 1 + (options.header ? 1 : 0)) + ", column " + (column + 1);
    }

    /** The lines of a file, found by reading it once. */
    private static final class Lines {
        long[] starts = new long[1024];
        int count;
        int fields = -1;
        int longest;
        /** Where the last line of data ends. */
        long end;

        static Lines scan(Path path, Options options) throws IOException {
            Lines lines = new Lines();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 20)) {
                long position = 0;
                long lineStart = 0;
                int lineNumber = 1;
                int delimiters = 0;
                boolean empty = true;
                int b;
                while (true) {
                    b = in.read();
                    if (b == -1 || b == '\n') {
                        long end = b == -1 ? position : position + 1;
                        if (b == -1 && lineStart == position) {
                            break; // the file ends with a line break, or is empty
                        }
                        if (!(options.header && lineNumber == 1)) {
                            lines.add(path, lineNumber, lineStart, end, empty, delimiters + 1);
                        }
                        if (b == -1) {
                            break;
                        }
                        lineStart = end;
                        lineNumber++;
                        delimiters = 0;
                        empty = true;
                    } else if (b == options.delimiter) {
                        delimiters++;
                        empty = false;
                    } else if (b != '\r' && !Character.isWhitespace(b)) {
                        empty = false;
                    }
                    position++;
                }
            }
            lines.starts[lines.count] = lines.end; // add keeps a free slot after the last line
            return lines;
        }

        private void add(Path path, int lineNumber, long start, long end, boolean empty, int lineFields) throws IOException {
            if (empty) {
                throw new IOException(path + ", line " + lineNumber + " is empty");
            }
            if (fields < 0) {
                fields = lineFields;
            } else if (lineFields != fields) {
                throw new IOException(path + ", line " + lineNumber + " has " + lineFields + " fields, but the first line of data has "
                        + fields);
            }
            if (count == Integer.MAX_VALUE - 9) {
                throw new IOException(path + " has more lines than one array can index");
            }
            if (count + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * starts.length));
            }
            starts[count++] = start;
            this.end = end;
            longest = (int) Math.max(longest, Math.min(end - start, Integer.MAX_VALUE - 8L));
        }
    }
}
