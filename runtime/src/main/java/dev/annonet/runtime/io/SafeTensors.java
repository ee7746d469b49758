package dev.annonet.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (read by PyTorch and the Hugging Face tools): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. annonet writes and reads float32 ({@code F32}) tensors; files are written
 * atomically (a temporary file renamed over the target) and validated on read.
 */
public final class SafeTensors {
    /** A generous bound on the header, so a corrupt length cannot make us allocate gigabytes. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

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

    /** Writes the entries, in order, with optional string metadata; atomically replaces {@code file}. */
    public static void write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
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
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);

        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(length.array());
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

    /** Reads every tensor of {@code file}, which must hold float32 tensors only. */
    public static Contents read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such weights file");
        }
        String where = file.toString();
        if (bytes.length < 8) {
            throw new IOException(where + ": not a safetensors file (" + bytes.length + " bytes, shorter than its 8-byte header length)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
            throw new IOException(where + ": not a safetensors file (header length " + headerLength
                    + " does not fit a file of " + bytes.length + " bytes)");
        }
        String headerText = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        Map<String, Object> header;
        try {
            header = Json.parseObject(headerText);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": unreadable safetensors header: " + e.getMessage(), e);
        }
        int dataStart = 8 + (int) headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<String, Object> field : header.entrySet()) {
            String name = field.getKey();
            if (name.equals("__metadata__")) {
                for (Map.Entry<String, Object> m : asObject(field.getValue(), where, name).entrySet()) {
                    metadata.put(m.getKey(), String.valueOf(m.getValue()));
                }
                continue;
            }
            Map<String, Object> info = asObject(field.getValue(), where, name);
            Object dtype = info.get("dtype");
            if (!"F32".equals(dtype)) {
                throw new IOException(where + ": tensor '" + name + "' has dtype " + dtype + "; annonet reads F32 only");
            }
            int[] shape = asLongs(info.get("shape"), where, name, "shape").stream().mapToInt(Math::toIntExact).toArray();
            List<Long> offsets = asLongs(info.get("data_offsets"), where, name, "data_offsets");
            if (offsets.size() != 2) {
                throw new IOException(where + ": tensor '" + name + "' has " + offsets.size() + " data_offsets, expected 2");
            }
            long begin = offsets.get(0);
            long end = offsets.get(1);
            long count = 1;
            for (int d : shape) {
                count *= d;
            }
            if (begin < 0 || end < begin || end > dataLength || end - begin != 4 * count) {
                throw new IOException(where + ": tensor '" + name + "' of shape " + Arrays.toString(shape)
                        + " needs " + 4 * count + " bytes but its data_offsets are [" + begin + ", " + end
                        + "] in " + dataLength + " data bytes");
            }
            float[] values = new float[(int) count];
            buffer.position(dataStart + (int) begin);
            buffer.asFloatBuffer().get(values);
            entries.put(name, new Entry(name, shape, values));
            ranges.add(new long[] {begin, end});
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new IOException(where + ": tensors overlap in the data section");
            }
        }
        return new Contents(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String where, String name) throws IOException {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IOException(where + ": header entry '" + name + "' is not an object");
    }

    private static List<Long> asLongs(Object value, String where, String name, String field) throws IOException {
        if (value instanceof List<?> list) {
            List<Long> longs = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof Long l) || l < 0) {
                    throw new IOException(where + ": tensor '" + name + "' has a bad " + field + ": " + list);
                }
                longs.add(l);
            }
            return longs;
        }
        throw new IOException(where + ": tensor '" + name + "' has no " + field + " list");
    }
}
