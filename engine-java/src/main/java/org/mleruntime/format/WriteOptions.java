package org.mleruntime.format;

/**
 * How a model file is written: the codec and level its data sections are compressed with, the key
 * they are encrypted with, the key the file is signed with (each optional), the block size of
 * compressed and encrypted sections, and who is told of the progress.
 */
public record WriteOptions(Compression compression, int level, int blockSize, EncryptionKey encryptionKey, SigningKey signingKey,
                           Progress progress) {
    public WriteOptions {
        if (compression != Compression.NONE) {
            compression.checkedLevel(level);
        }
        if (!SectionEnvelope.validBlockSize(blockSize)) {
            throw new IllegalArgumentException("block size must be a power of two from " + SectionEnvelope.MIN_BLOCK_SIZE + " to "
                    + SectionEnvelope.MAX_BLOCK_SIZE + ", got " + blockSize);
        }
    }

    /** Plain sections: memory-mapped and used in place by readers. */
    public static WriteOptions defaults() {
        return new WriteOptions(Compression.NONE, 0, SectionEnvelope.DEFAULT_BLOCK_SIZE, null, null, Progress.NONE);
    }

    public WriteOptions compressed(Compression codec) {
        return compressed(codec, codec.defaultLevel());
    }

    public WriteOptions compressed(Compression codec, int newLevel) {
        return new WriteOptions(codec, codec == Compression.NONE ? 0 : newLevel, blockSize, encryptionKey, signingKey, progress);
    }

    public WriteOptions encrypted(EncryptionKey key) {
        return new WriteOptions(compression, level, blockSize, key, signingKey, progress);
    }

    public WriteOptions signed(SigningKey key) {
        return new WriteOptions(compression, level, blockSize, encryptionKey, key, progress);
    }

    public WriteOptions withBlockSize(int size) {
        return new WriteOptions(compression, level, size, encryptionKey, signingKey, progress);
    }

    public WriteOptions withProgress(Progress p) {
        return new WriteOptions(compression, level, blockSize, encryptionKey, signingKey, p);
    }
}
