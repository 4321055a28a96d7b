package org.mleruntime.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.mleruntime.CorruptFileException;

/**
 * The stored form of a compressed or encrypted section (docs/FORMAT.md, "Envelope"): a 16-byte
 * header (block size, nonce id, block count), a table of stored block lengths, then the blocks.
 * Each block of at most {@code blockSize} raw bytes is compressed and encrypted on its own, so that
 * sections of any size are coded in bounded memory and on every core, and every declared size is
 * checked against the others before any memory is allocated for the decoded content.
 */
final class SectionEnvelope {
    static final int HEADER_LENGTH = 16;
    static final int MIN_BLOCK_SIZE = 1 << 12;
    static final int MAX_BLOCK_SIZE = 1 << 24;
    static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SectionEnvelope() {}

    static boolean validBlockSize(int size) {
        return Integer.bitCount(size) == 1 && size >= MIN_BLOCK_SIZE && size <= MAX_BLOCK_SIZE;
    }

    /** A section's stored bytes as the writer holds them before laying out the file: header and table, then blocks. */
    record Encoded(byte[] head, byte[][] blocks, long length) implements FileAssembler.Content {
        @Override
        public void copyTo(MemorySegment target) {
            MemorySegment.copy(MemorySegment.ofArray(head), 0, target, 0, head.length);
            long pos = head.length;
            for (byte[] b : blocks) {
                MemorySegment.copy(MemorySegment.ofArray(b), 0, target, pos, b.length);
                pos += b.length;
            }
        }
    }

    /** What to do to each block, and the section it belongs to (which the encryption binds it to). */
    record Coding(int kind, int flags, Compression codec, int level, int blockSize, FileCipher cipher, int nonceId) {}

    static Encoded encode(MemorySegment raw, Coding coding, Progress progress) {
        long rawLength = raw.byteSize();
        int blockSize = coding.blockSize();
        long count = (rawLength + blockSize - 1) / blockSize;
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("a section of " + rawLength + " bytes needs a larger block size than " + blockSize);
        }
        byte[][] blocks = new byte[(int) count][];
        AtomicLong done = new AtomicLong();
        inParallel(blocks.length, j -> {
            long from = (long) j * blockSize;
            int length = (int) Math.min(blockSize, rawLength - from);
            byte[] plain = raw.asSlice(from, length).toArray(ValueLayout.JAVA_BYTE);
            byte[] inner = plain;
            if (coding.codec() != Compression.NONE) {
                byte[] packed = coding.codec().compress(plain, coding.level());
                if (packed.length < length) {
                    inner = packed;
                }
            }
            blocks[j] = coding.cipher() == null ? inner : coding.cipher().seal(position(coding, rawLength, j, inner.length), inner);
            progress.update(SectionKind.fromCode(coding.kind()) + " " + describe(coding), done.addAndGet(length), rawLength);
        });
        ByteBuffer head = ByteBuffer.allocate(HEADER_LENGTH + 4 * blocks.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(blockSize).putInt(coding.nonceId()).putInt(blocks.length).putInt(0);
        long length = head.capacity();
        for (byte[] b : blocks) {
            head.putInt(b.length);
            length += b.length;
        }
        return new Encoded(head.array(), blocks, length);
    }

    private static String describe(Coding coding) {
        String c = coding.codec() == Compression.NONE ? "" : coding.codec().label() + " " + coding.level();
        String e = coding.cipher() == null ? "" : "AES-256-GCM";
        return (c.isEmpty() || e.isEmpty()) ? c + e : c + " + " + e;
    }

    private static FileCipher.BlockPosition position(Coding coding, long rawLength, long index, int plainLength) {
        return new FileCipher.BlockPosition(coding.kind(), coding.flags(), coding.blockSize(), rawLength, coding.nonceId(), index, plainLength);
    }

    /** The nonce id of an envelope (zero for unencrypted sections); the envelope must be at least its header long. */
    static int nonceId(MemorySegment stored) {
        return stored.byteSize() < HEADER_LENGTH ? 0 : stored.get(U32, 4);
    }

    /**
     * Decodes a section into 64-byte aligned memory of {@code arena}. Every size is checked before
     * the allocation: the block count must match the raw length and block size, the block lengths
     * must fill the section exactly, and no block may be longer than its raw content (plus the tag).
     * Each block must then decode to exactly its raw length. On any failure the decoded memory is
     * zeroed before the exception leaves, so no partial plaintext outlives it.
     */
    static MemorySegment decode(MemorySegment stored, SectionEntry e, FileCipher cipher, Arena arena) {
        String where = "section " + e.kindName() + " at offset " + e.offset();
        if (stored.byteSize() < HEADER_LENGTH) {
            throw new CorruptFileException(where + " is " + stored.byteSize() + " bytes, shorter than its envelope header");
        }
        int blockSize = stored.get(U32, 0);
        int nonceId = stored.get(U32, 4);
        long count = Integer.toUnsignedLong(stored.get(U32, 8));
        if (!validBlockSize(blockSize)) {
            throw new CorruptFileException(where + " declares block size " + Integer.toUnsignedString(blockSize)
                    + ", not a power of two from " + MIN_BLOCK_SIZE + " to " + MAX_BLOCK_SIZE);
        }
        if (stored.get(U32, 12) != 0) {
            throw new CorruptFileException(where + " has non-zero reserved envelope bytes");
        }
        if (e.encrypted() != (nonceId != 0)) {
            throw new CorruptFileException(where + (e.encrypted() ? " is encrypted but has no nonce id" : " is not encrypted but has a nonce id"));
        }
        long rawLength = e.rawLength();
        if (rawLength < 0 || count != (rawLength + blockSize - 1) / blockSize) {
            throw new CorruptFileException(where + " declares raw length " + rawLength + " in " + count + " blocks of "
                    + blockSize + " bytes, which do not match");
        }
        long tableEnd = HEADER_LENGTH + 4 * count;
        if (tableEnd > stored.byteSize()) {
            throw new CorruptFileException(where + " declares " + count + " blocks, whose table does not fit in its " + stored.byteSize() + " bytes");
        }
        int tag = e.encrypted() ? FileCipher.TAG_LENGTH : 0;
        long[] starts = new long[(int) count];
        long pos = tableEnd;
        for (int j = 0; j < count; j++) {
            long length = Integer.toUnsignedLong(stored.get(U32, HEADER_LENGTH + 4L * j));
            long rawBlock = Math.min(blockSize, rawLength - (long) j * blockSize);
            long inner = length - tag;
            if (inner < 1 || inner > rawBlock || (inner < rawBlock && e.compression() == 0)) {
                throw new CorruptFileException(where + ": block " + j + " is stored in " + length + " bytes for " + rawBlock + " raw bytes");
            }
            starts[j] = pos;
            pos += length;
        }
        if (pos != stored.byteSize()) {
            throw new CorruptFileException(where + ": its blocks take " + (pos - tableEnd) + " bytes, the section has "
                    + (stored.byteSize() - tableEnd) + " after the block table");
        }
        Compression codec = Compression.fromCode(e.compression());
        MemorySegment out = arena.allocate(Math.max(rawLength, 1), FileHeader.ALIGNMENT).asSlice(0, rawLength);
        try {
            inParallel(starts.length, j -> {
                long end = j + 1 < starts.length ? starts[j + 1] : stored.byteSize();
                MemorySegment block = stored.asSlice(starts[j], end - starts[j]);
                long from = (long) j * blockSize;
                MemorySegment target = out.asSlice(from, Math.min(blockSize, rawLength - from));
                decodeBlock(block, target, e, codec, cipher, new FileCipher.BlockPosition(e.kind(), e.flags(), blockSize, rawLength,
                        nonceId, j, (int) (block.byteSize() - tag)));
            });
        } catch (RuntimeException failure) {
            out.fill((byte) 0);
            throw failure;
        }
        return out;
    }

    /**
     * Runs {@code body} for blocks 0 .. count-1 on every core and returns only when none is running
     * any more, so that a failure never leaves a block still reading the file or writing memory that
     * is about to be zeroed and freed. After a failure no further block starts; the first failure
     * is thrown.
     */
    private static void inParallel(int count, IntConsumer body) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        IntStream.range(0, count).parallel().forEach(j -> {
            if (failure.get() != null) {
                return;
            }
            try {
                body.accept(j);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void decodeBlock(MemorySegment block, MemorySegment target, SectionEntry e, Compression codec, FileCipher cipher,
                                    FileCipher.BlockPosition at) {
        boolean compressed = at.plainLength() < target.byteSize();
        if (cipher == null) {
            (compressed ? codec : Compression.NONE).decompress(block.asByteBuffer(), target.asByteBuffer());
            return;
        }
        if (!compressed) {
            cipher.open(at, block.asByteBuffer(), target.asByteBuffer());
            return;
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment plain = scratch.allocate(at.plainLength());
            try {
                cipher.open(at, block.asByteBuffer(), plain.asByteBuffer());
                codec.decompress(plain.asByteBuffer(), target.asByteBuffer());
            } finally {
                plain.fill((byte) 0);
            }
        }
    }
}
