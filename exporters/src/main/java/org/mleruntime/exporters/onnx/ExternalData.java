package org.mleruntime.exporters.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.onnx.proto.StringStringEntryProto;
import org.mleruntime.exporters.onnx.proto.TensorProto;

/**
 * Reads tensors whose bytes live in files beside the model ({@code data_location = EXTERNAL}).
 * A location must be a relative path that stays inside the model's folder, symbolic links
 * followed; the range {@code offset, length} must lie inside that file. A model read from bytes
 * has no folder ({@link #NONE}), and an external tensor in it is an error saying so.
 */
final class ExternalData {
    static final ExternalData NONE = new ExternalData(null);

    private static final Set<String> KEYS = Set.of("location", "offset", "length", "checksum");

    private final Path directory;

    private ExternalData(Path directory) {
        this.directory = directory;
    }

    /** External data resolved against {@code directory}, the folder holding the model file. */
    static ExternalData beside(Path directory) {
        try {
            return new ExternalData(directory.toRealPath());
        } catch (IOException e) {
            throw new InvalidModelException("cannot resolve the model's folder " + directory + ": " + e.getMessage());
        }
    }

    /** The {@code expectedBytes} bytes of tensor {@code t}, read from its external file. */
    byte[] read(TensorProto t, long expectedBytes) {
        String what = "tensor '" + t.getName() + "'";
        Map<String, String> entries = new LinkedHashMap<>();
        for (StringStringEntryProto e : t.getExternalDataList()) {
            if (!KEYS.contains(e.getKey())) {
                throw new InvalidModelException(what + " has external data key '" + e.getKey() + "'; known keys: location, offset, length, checksum");
            }
            if (entries.put(e.getKey(), e.getValue()) != null) {
                throw new InvalidModelException(what + " gives external data key '" + e.getKey() + "' twice");
            }
        }
        String location = entries.get("location");
        if (location == null || location.isEmpty()) {
            throw new InvalidModelException(what + " is stored externally but names no location");
        }
        if (directory == null) {
            throw new InvalidModelException(what + " keeps its data in the external file '" + location
                    + "', which a model read from bytes cannot reach; convert the model from its file path, with the data file beside it");
        }
        Path file = inside(location, what);
        long offset = number(entries, "offset", 0, what);
        long length = number(entries, "length", expectedBytes, what);
        if (length != expectedBytes) {
            throw new InvalidModelException(what + " declares " + length + " bytes of external data, its type and shape need " + expectedBytes);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset > size || length > size - offset) {
                throw new InvalidModelException(what + " reads bytes " + offset + " to " + (offset + length) + " of '" + location
                        + "', which has " + size);
            }
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(length));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new InvalidModelException("'" + location + "' ended while reading " + what);
                }
            }
            return buffer.array();
        } catch (IOException e) {
            throw new InvalidModelException("cannot read external data '" + location + "' of " + what + ": " + e.getMessage());
        }
    }

    /** The file {@code location} names, which must stay inside the model's folder once links are followed. */
    private Path inside(String location, String what) {
        Path relative;
        try {
            relative = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidModelException(what + " has an invalid external data location '" + location + "'");
        }
        if (relative.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            throw new InvalidModelException(what + " has the absolute external data location '" + location
                    + "'; a location is relative to the model's folder");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new InvalidModelException(what + " has the external data location '" + location
                        + "', which leaves the model's folder through '..'");
            }
        }
        Path real;
        try {
            real = directory.resolve(relative).toRealPath();
        } catch (IOException e) {
            throw new InvalidModelException(what + " keeps its data in '" + location + "', which cannot be opened beside the model: "
                    + e.getMessage());
        }
        if (!real.startsWith(directory)) {
            throw new InvalidModelException(what + " has the external data location '" + location
                    + "', a link that leads out of the model's folder");
        }
        if (!Files.isRegularFile(real)) {
            throw new InvalidModelException(what + " has the external data location '" + location + "', which is not a file");
        }
        return real;
    }

    private static long number(Map<String, String> entries, String key, long defaultValue, String what) {
        String text = entries.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw new InvalidModelException(what + " has a negative external data " + key + " (" + text + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidModelException(what + " has external data " + key + " '" + text + "', not a number");
        }
    }
}
