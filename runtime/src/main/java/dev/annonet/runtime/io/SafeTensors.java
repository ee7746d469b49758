package dev.annonet.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (read by PyTorch and the Hugging Face tools): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. annonet writes and reads float32 ({@code F32}) tensors. Files are written
 * atomically (a temporary file renamed over the target) and validated on read: every malformed
 * file is an {@link IOException} whose message starts with the file's name and says what is wrong.
 */
public final class SafeTensors {
    /** The bound the format's reference implementation sets, so a corrupt length cannot make us allocate gigabytes. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    /** The longest array every JVM allocates. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private SafeTensors() {
    }

    /** A named float32 tensor. */
    public record Entry(String name, int[] shape, float[] values) {
        public Entry {
            long size = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(name + ": negative size in shape " + Arrays.toString(shape));
                }
                size *= d;
            }
            if (size != values.length) {
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + size
                        + " values but " + values.length + " were given");
            }
        }
    }

    /**
     * Writes the entries, in order, with optional string metadata, and replaces {@code file} as
     * {@link AtomicFiles#write} does: whole or not at all, keeping an existing file's permissions,
     * writing through symbolic links, never replacing a directory or a special file.
     */
    public static void write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        byte[] headerBytes = header(entries, metadata);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                for (float v : e.values()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }

    private static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append("\"__metadata__\":{");
            String separator = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                header.append(separator).append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                separator = ",";
            }
            header.append('}');
        }
        long offset = 0;
        for (Entry e : entries) {
            if (header.length() > 1) {
                header.append(',');
            }
            long end = offset + 4L * e.values().length;
            header.append(Json.quote(e.name())).append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        header.append('}');
        // The data must start 8-byte aligned; pad the header with spaces as the reference writer does.
        while ((header.length() & 7) != 0) {
            header.append(' ');
        }
        return header.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What a file holds: its entries in file order and its metadata. */
    public record Contents(Map<String, Entry> entries, Map<String, String> metadata) {
        /** The entry {@code name}; a clear error names the file's entries when it is missing. */
        public Entry get(String name) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new IllegalArgumentException("no tensor '" + name + "' in the file; it holds " + entries.keySet());
            }
            return e;
        }
    }

    /**
     * Reads every tensor of {@code file}, which must hold float32 tensors only and be well formed
     * as the format's specification says: a header of at most 100 MiB, UTF-8 JSON that starts
     * with '{' (spaces may pad it), no duplicate names, string metadata, each tensor a dtype,
     * a shape of non-negative integers and data offsets that match dtype size × element count,
     * and the tensors' data covering the data section exactly, without gaps or overlaps. Memory
     * is allocated for data the file holds, never for what a header claims.
     */
    public static Contents read(Path file) throws IOException {
        String where = file.toString();
        if (Files.isDirectory(file)) {
            throw new IOException(where + ": is a directory, not a safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(where, null, "no such weights file");
        } catch (IOException e) {
            throw FileErrors.naming(where, e);
        }
        try (channel) {
            return read(channel, where);
        } catch (IOException e) {
            throw FileErrors.naming(where, e);
        }
    }

    /** Where a tensor's data lies in the data section. */
    private record Slot(String name, int[] shape, long begin, long end) {
    }

    private static Contents read(FileChannel channel, String where) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new IOException(where + ": not a safetensors file (" + size + " bytes, shorter than its 8-byte header length)");
        }
        long headerLength = readFully(channel, 0, 8, where).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new IOException(where + ": not a safetensors file (header length " + Long.toUnsignedString(headerLength)
                    + " does not fit a file of " + size + " bytes, or exceeds " + MAX_HEADER_BYTES + ")");
        }
        Map<String, Object> header = parseHeader(readFully(channel, 8, (int) headerLength, where), where);
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, Object> field : header.entrySet()) {
            if (field.getKey().equals("__metadata__")) {
                for (Map.Entry<String, Object> m : asObject(field.getValue(), where, "__metadata__").entrySet()) {
                    if (!(m.getValue() instanceof String value)) {
                        throw new IOException(where + ": metadata '" + Json.excerpt(m.getKey()) + "' is not a string");
                    }
                    metadata.put(m.getKey(), value);
                }
            } else {
                slots.add(slot(field.getKey(), asObject(field.getValue(), where, field.getKey()), dataLength, where));
            }
        }
        requireExactCover(slots, dataLength, where);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Slot slot : slots) {
            float[] values = readFloats(channel, dataStart + slot.begin(), (int) ((slot.end() - slot.begin()) / 4), where);
            entries.put(slot.name(), new Entry(slot.name(), slot.shape(), values));
        }
        return new Contents(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Map<String, Object> parseHeader(ByteBuffer bytes, String where) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(where + ": its safetensors header is not valid UTF-8", e);
        }
        if (!text.startsWith("{")) {
            throw new IOException(where + ": its safetensors header does not start with '{'");
        }
        try {
            return Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": unreadable safetensors header: " + e.getMessage(), e);
        }
    }

    private static Slot slot(String name, Map<String, Object> info, long dataLength, String where) throws IOException {
        String tensor = where + ": tensor '" + Json.excerpt(name) + "'";
        Object dtype = info.get("dtype");
        if (!(dtype instanceof String)) {
            throw new IOException(tensor + " has no dtype string");
        }
        if (!dtype.equals("F32")) {
            throw new IOException(tensor + " has dtype " + Json.excerpt((String) dtype) + "; annonet reads F32 only");
        }
        List<Long> dimensions = asCounts(info.get("shape"), tensor, "shape");
        int[] shape = new int[dimensions.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long dimension = dimensions.get(i);
            count *= dimension;
            if (dimension > MAX_VALUES || count > MAX_VALUES) {
                throw new IOException(tensor + "'s shape " + Json.excerpt(dimensions.toString())
                        + " holds more values than one array can (" + MAX_VALUES + ")");
            }
            shape[i] = (int) dimension;
        }
        List<Long> offsets = asCounts(info.get("data_offsets"), tensor, "data_offsets");
        if (offsets.size() != 2) {
            throw new IOException(tensor + " has " + offsets.size() + " data_offsets, expected 2");
        }
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end < begin || end > dataLength || end - begin != 4 * count) {
            throw new IOException(tensor + " of shape " + Arrays.toString(shape) + " needs " + 4 * count
                    + " bytes but its data_offsets are [" + begin + ", " + end + "] in " + dataLength + " data bytes");
        }
        return new Slot(name, shape, begin, end);
    }

    /** The specification's rule: the tensors' byte ranges, in order, fill the data section without gaps or overlaps. */
    private static void requireExactCover(List<Slot> slots, long dataLength, String where) throws IOException {
        List<Slot> inOrder = new ArrayList<>(slots);
        inOrder.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
        long covered = 0;
        Slot previous = null;
        for (Slot slot : inOrder) {
            if (slot.begin() < covered) {
                throw new IOException(where + ": tensors '" + Json.excerpt(previous.name()) + "' and '" + Json.excerpt(slot.name())
                        + "' overlap in the data section (bytes " + slot.begin() + " to " + covered + ")");
            }
            if (slot.begin() > covered) {
                throw new IOException(where + ": data bytes " + covered + " to " + slot.begin() + " belong to no tensor");
            }
            covered = slot.end();
            previous = slot;
        }
        if (covered != dataLength) {
            throw new IOException(where + ": " + (dataLength - covered) + " bytes follow the last tensor's data");
        }
    }

    private static float[] readFloats(FileChannel channel, long position, int count, String where) throws IOException {
        float[] values = new float[count];
        int chunk = 1 << 18;
        for (int i = 0; i < count; i += chunk) {
            int n = Math.min(chunk, count - i);
            readFully(channel, position + 4L * i, 4 * n, where).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, i, n);
        }
        return values;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, String where) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, position + bytes.position()) < 0) {
                throw new EOFException(where + " is truncated: it ended at byte " + (position + bytes.position())
                        + " while being read");
            }
        }
        return bytes.flip();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String where, String name) throws IOException {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IOException(where + ": header entry '" + Json.excerpt(name) + "' is not an object");
    }

    /** A list of non-negative integers. */
    private static List<Long> asCounts(Object value, String tensor, String field) throws IOException {
        if (!(value instanceof List<?> list)) {
            throw new IOException(tensor + " has no " + field + " list");
        }
        List<Long> counts = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Long l) || l < 0) {
                throw new IOException(tensor + " has a bad " + field + " " + Json.excerpt(list.toString())
                        + ": each must be a non-negative integer");
            }
            counts.add(l);
        }
        return counts;
    }
}
