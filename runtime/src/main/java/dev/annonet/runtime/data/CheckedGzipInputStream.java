package dev.annonet.runtime.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Gzip (RFC 1952) decompression that lets nothing doubtful pass. Each member's trailer is read
 * and checked (CRC-32 and length), so a flipped bit or a missing trailer is an error; concatenated
 * members ({@code cat a.gz b.gz}) read as one stream, as gunzip reads them; any other bytes after
 * the last member are an error, not ignored. ({@link java.util.zip.GZIPInputStream} checks a
 * trailer only when it is read to its end, and ignores bytes after the last member.) Every error
 * message starts with the source's name. The inflater is released at the end of the data, on an
 * error, or on {@link #close}, which also closes the underlying stream.
 */
final class CheckedGzipInputStream extends InputStream {
    private static final int HEADER_CRC = 2;
    private static final int EXTRA = 4;
    private static final int NAME = 8;
    private static final int COMMENT = 16;
    private static final int RESERVED_FLAGS = 0xe0;
    private static final int DEFLATE = 8;

    private enum State { BEFORE_MEMBER, IN_MEMBER, ENDED, FAILED }

    private final InputStream in;
    private final String source;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buffer = new byte[1 << 14];
    private int position;
    private int limit;
    private State state = State.BEFORE_MEMBER;
    private int members;

    CheckedGzipInputStream(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            while (true) {
                switch (state) {
                    case ENDED -> {
                        return -1;
                    }
                    case FAILED -> throw new IOException(source + ": its gzip data could not be read (see the earlier error)");
                    case BEFORE_MEMBER -> {
                        if (position == limit && !fill()) {
                            if (members == 0) {
                                throw new EOFException(source + " is truncated: it holds no gzip data");
                            }
                            end(State.ENDED);
                            return -1;
                        }
                        readHeader();
                        state = State.IN_MEMBER;
                    }
                    case IN_MEMBER -> {
                        int n = inflate(b, off, len);
                        if (n > 0) {
                            return n;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            end(State.FAILED);
            throw e;
        }
    }

    /** Inflates into {@code b}, adding to the CRC what it wrote; at the member's end checks its trailer. */
    private int inflate(byte[] b, int off, int len) throws IOException {
        if (inflater.needsInput()) {
            if (position == limit && !fill()) {
                throw new EOFException(source + " is truncated: its gzip data ends inside the compressed data");
            }
            inflater.setInput(buffer, position, limit - position);
            position = limit;
        }
        int n;
        try {
            n = inflater.inflate(b, off, len);
        } catch (DataFormatException e) {
            ZipException corrupt = new ZipException(source + ": corrupt gzip data (" + e.getMessage() + ")");
            corrupt.initCause(e);
            throw corrupt;
        }
        if (inflater.needsDictionary()) {
            throw new ZipException(source + ": corrupt gzip data (its deflate stream asks for a preset dictionary)");
        }
        crc.update(b, off, n);
        if (inflater.finished()) {
            position = limit - inflater.getRemaining();
            readTrailer();
        }
        return n;
    }

    private void readHeader() throws IOException {
        CRC32 headerCrc = new CRC32();
        int first = headerByte(headerCrc);
        int second = headerByte(headerCrc);
        if (first != 0x1f || second != 0x8b) {
            throw new ZipException(members == 0
                    ? source + ": not gzip data (it starts with " + String.format("0x%02x 0x%02x", first, second) + ")"
                    : source + ": unexpected bytes after the end of its gzip data"
                            + " (neither the end of the file nor another gzip member)");
        }
        int method = headerByte(headerCrc);
        if (method != DEFLATE) {
            throw new ZipException(source + ": gzip member " + (members + 1) + " uses compression method " + method
                    + "; only deflate (8) exists");
        }
        int flags = headerByte(headerCrc);
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new ZipException(source + ": gzip member " + (members + 1) + " sets reserved header flags "
                    + String.format("0x%02x", flags & RESERVED_FLAGS));
        }
        for (int i = 0; i < 6; i++) {
            headerByte(headerCrc); // modification time, extra flags, operating system
        }
        if ((flags & EXTRA) != 0) {
            int length = headerByte(headerCrc) | headerByte(headerCrc) << 8;
            for (int i = 0; i < length; i++) {
                headerByte(headerCrc);
            }
        }
        if ((flags & NAME) != 0) {
            skipZeroTerminated(headerCrc);
        }
        if ((flags & COMMENT) != 0) {
            skipZeroTerminated(headerCrc);
        }
        if ((flags & HEADER_CRC) != 0) {
            int expected = (int) headerCrc.getValue() & 0xffff;
            int stored = nextByte("in a gzip header") | nextByte("in a gzip header") << 8;
            if (stored != expected) {
                throw new ZipException(source + ": gzip member " + (members + 1) + " has a corrupt header (its CRC-16 is "
                        + String.format("0x%04x, the header's is 0x%04x)", stored, expected));
            }
        }
        inflater.reset();
        crc.reset();
    }

    private void skipZeroTerminated(CRC32 headerCrc) throws IOException {
        while (headerByte(headerCrc) != 0) {
            // a file name or comment, not needed
        }
    }

    private int headerByte(CRC32 headerCrc) throws IOException {
        int b = nextByte("in a gzip header");
        headerCrc.update(b);
        return b;
    }

    private void readTrailer() throws IOException {
        long storedCrc = trailerWord();
        long storedLength = trailerWord();
        if (storedCrc != crc.getValue()) {
            throw new ZipException(String.format("%s: corrupt gzip data: member %d's CRC-32 is 0x%08x, its trailer says 0x%08x",
                    source, members + 1, crc.getValue(), storedCrc));
        }
        long length = inflater.getBytesWritten() & 0xffffffffL;
        if (storedLength != length) {
            throw new ZipException(source + ": corrupt gzip data: member " + (members + 1) + " inflates to " + length
                    + " bytes (mod 2^32), its trailer says " + storedLength);
        }
        members++;
        state = State.BEFORE_MEMBER;
    }

    private long trailerWord() throws IOException {
        long word = 0;
        for (int shift = 0; shift < 32; shift += 8) {
            word |= (long) nextByte("before the gzip trailer (CRC-32 and length) is complete") << shift;
        }
        return word;
    }

    private int nextByte(String where) throws IOException {
        if (position == limit && !fill()) {
            throw new EOFException(source + " is truncated: its gzip data ends " + where);
        }
        return buffer[position++] & 0xff;
    }

    /** Reads more input into the empty buffer; false at the end of the input. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void end(State last) {
        state = last;
        inflater.end();
    }

    @Override
    public void close() throws IOException {
        end(State.ENDED);
        in.close();
    }
}
