package org.mleruntime.format;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;

/**
 * The codecs of a section entry's flag bits 0-3 (docs/FORMAT.md, "Compression"), each compressing
 * and decompressing one block. Decompression writes into a buffer of exactly the block's declared
 * size and fails, rather than grow, when the data would produce more or fewer bytes.
 */
public enum Compression {
    NONE(0, 0, 0, 0) {
        @Override
        byte[] compress(byte[] raw, int level) {
            return raw;
        }

        @Override
        void decompress(ByteBuffer src, ByteBuffer dst) {
            if (src.remaining() != dst.remaining()) {
                throw new CorruptFileException("stored block of " + src.remaining() + " bytes for " + dst.remaining());
            }
            dst.put(src);
        }
    },
    /** LZ4 blocks (not frames): levels 1-2 the fast compressor, 3-12 the high-compression one. */
    LZ4(1, 1, 12, 1) {
        @Override
        byte[] compress(byte[] raw, int level) {
            LZ4Factory lz4 = LZ4Factory.fastestInstance();
            return (level < 3 ? lz4.fastCompressor() : lz4.highCompressor(level)).compress(raw);
        }

        @Override
        void decompress(ByteBuffer src, ByteBuffer dst) {
            int written;
            try {
                written = LZ4Factory.fastestInstance().safeDecompressor().decompress(src, src.position(), src.remaining(),
                        dst, dst.position(), dst.remaining());
            } catch (LZ4Exception e) {
                throw new CorruptFileException("malformed LZ4 block: " + e.getMessage());
            }
            exact(written, dst.remaining());
        }
    },
    /** One Zstandard frame per block, levels 1-22. */
    ZSTD(2, 1, 22, 3) {
        @Override
        byte[] compress(byte[] raw, int level) {
            return Zstd.compress(raw, level);
        }

        @Override
        void decompress(ByteBuffer src, ByteBuffer dst) {
            long written;
            try {
                written = Zstd.decompressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(), src.remaining());
            } catch (ZstdException e) {
                throw new CorruptFileException("malformed Zstandard frame: " + e.getMessage());
            }
            exact(written, dst.remaining());
        }
    },
    /** One Brotli stream per block, qualities 0-11. */
    BROTLI(3, 0, 11, 9) {
        @Override
        byte[] compress(byte[] raw, int level) {
            Brotli4jLoader.ensureAvailability();
            try {
                return Encoder.compress(raw, new Encoder.Parameters().setQuality(level));
            } catch (IOException e) {
                throw new MleException("Brotli compression failed: " + e.getMessage(), e);
            }
        }

        @Override
        void decompress(ByteBuffer src, ByteBuffer dst) {
            Brotli4jLoader.ensureAvailability();
            DecoderJNI.Wrapper decoder;
            try {
                decoder = new DecoderJNI.Wrapper(Math.max(1, Math.min(src.remaining(), 1 << 16)));
            } catch (IOException e) {
                throw new MleException("cannot start the Brotli decoder: " + e.getMessage(), e);
            }
            int expected = dst.remaining();
            try {
                while (true) {
                    if (decoder.hasOutput()) {
                        ByteBuffer out = decoder.pull();
                        if (out.remaining() > dst.remaining()) {
                            throw new CorruptFileException("Brotli stream produces more than the block's " + expected + " bytes");
                        }
                        dst.put(out);
                        continue;
                    }
                    switch (decoder.getStatus()) {
                        case DONE -> {
                            if (src.hasRemaining()) {
                                throw new CorruptFileException("Brotli stream ends " + src.remaining() + " bytes before its block does");
                            }
                            exact(expected - dst.remaining(), expected);
                            return;
                        }
                        case OK -> decoder.push(0);
                        case NEEDS_MORE_INPUT -> {
                            if (!src.hasRemaining()) {
                                throw new CorruptFileException("Brotli stream is truncated");
                            }
                            ByteBuffer in = decoder.getInputBuffer();
                            in.clear();
                            int n = Math.min(in.remaining(), src.remaining());
                            in.put(src.slice(src.position(), n));
                            src.position(src.position() + n);
                            decoder.push(n);
                        }
                        case NEEDS_MORE_OUTPUT -> {
                            // hasOutput() above drains it; a decoder asking for room without output is broken input.
                            throw new CorruptFileException("malformed Brotli stream");
                        }
                        case ERROR -> throw new CorruptFileException("malformed Brotli stream");
                    }
                }
            } finally {
                decoder.destroy();
            }
        }
    };

    private final int code;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    Compression(int code, int minLevel, int maxLevel, int defaultLevel) {
        this.code = code;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    /** The value of section flag bits 0-3. */
    public int code() {
        return code;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The lower-case name used by the Python SDK and the command line ("zstd"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Compresses one block into a new array (which the writer keeps only when it is shorter). */
    abstract byte[] compress(byte[] raw, int level);

    /**
     * Decompresses the remaining bytes of {@code src} into the remaining bytes of {@code dst}, both
     * direct buffers, filling {@code dst} exactly; throws {@link CorruptFileException} otherwise.
     */
    abstract void decompress(ByteBuffer src, ByteBuffer dst);

    /** Checks a level for this codec; the message names the codec's range. */
    public int checkedLevel(int level) {
        if (this == NONE || level < minLevel || level > maxLevel) {
            throw new IllegalArgumentException(this == NONE ? "no compression has no level"
                    : label() + " compression level must be between " + minLevel + " and " + maxLevel + ", got " + level);
        }
        return level;
    }

    public static Compression fromCode(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst().orElse(null);
    }

    /** The codec named {@code label} ("none", "lz4", "zstd", "brotli"). */
    public static Compression fromLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown compression '" + label + "'; supported: none, lz4, zstd, brotli"));
    }

    private static void exact(long written, long expected) {
        if (written != expected) {
            throw new CorruptFileException("compressed block decodes to " + written + " bytes, its entry declares " + expected);
        }
    }
}
