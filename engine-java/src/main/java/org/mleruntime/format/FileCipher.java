package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.mleruntime.CorruptFileException;
import org.mleruntime.DecryptionException;
import org.mleruntime.MleException;

/**
 * AES-256-GCM over the blocks of a file's encrypted sections (docs/FORMAT.md, "Encryption"). Each
 * file has its own key, derived from the user's key and the random salt of its ENCRYPTION section,
 * so a nonce (the section's nonce id and the block index) is never used twice under one key. The
 * associated data binds every block to the file's format, key id, section and position.
 */
final class FileCipher {
    static final int TAG_LENGTH = 16;
    static final int ALGORITHM_AES_256_GCM = 1;
    /** ENCRYPTION section: u32 algorithm, u32 reserved, 32-byte salt. */
    static final int SECTION_LENGTH = 40;
    private static final int SALT_OFFSET = 8;
    private static final int AAD_LENGTH = 56;

    private final SecretKeySpec fileKey;
    private final byte[] salt;
    private final byte[] keyId;
    private final int major;

    private FileCipher(EncryptionKey key, byte[] salt, int major) {
        this.fileKey = new SecretKeySpec(key.fileKey(salt), "AES");
        this.salt = salt.clone();
        this.keyId = key.id();
        this.major = major;
    }

    /** A cipher for a new file, with a fresh random salt. */
    static FileCipher forWriting(EncryptionKey key) {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return new FileCipher(key, salt, FormatVersion.MAJOR);
    }

    /**
     * The cipher of an encrypted file: the key must be the one the header names, and the ENCRYPTION
     * section must be one this reader knows.
     */
    static FileCipher forReading(FileLayout layout, EncryptionKey key) {
        String fileKeyId = KeyMaterial.hex(layout.header().keyId());
        if (key == null) {
            throw new DecryptionException("the model file is encrypted (key id " + fileKeyId + "); give its decryption key");
        }
        if (!Arrays.equals(key.id(), layout.header().keyId())) {
            throw new DecryptionException("the model file is encrypted with key id " + fileKeyId + ", not with the given key (key id "
                    + key.idHex() + ")");
        }
        SectionEntry entry = layout.section(SectionKind.ENCRYPTION);
        layout.verify(entry);
        MemorySegment section = layout.stored(entry);
        if (entry.length() != SECTION_LENGTH) {
            throw new CorruptFileException("the ENCRYPTION section is " + entry.length() + " bytes, expected " + SECTION_LENGTH);
        }
        int algorithm = section.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (algorithm != ALGORITHM_AES_256_GCM) {
            throw new org.mleruntime.UnsupportedVersionException("the file is encrypted with algorithm " + algorithm
                    + ", which this runtime (format " + FormatVersion.current() + ") does not know");
        }
        byte[] salt = section.asSlice(SALT_OFFSET, 32).toArray(ValueLayout.JAVA_BYTE);
        return new FileCipher(key, salt, layout.header().major());
    }

    byte[] keyId() {
        return keyId.clone();
    }

    /** The ENCRYPTION section of a file written with this cipher. */
    byte[] section() {
        ByteBuffer b = ByteBuffer.allocate(SECTION_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ALGORITHM_AES_256_GCM).putInt(0).put(salt);
        return b.array();
    }

    /** The encrypted block: ciphertext followed by the 16-byte tag. */
    byte[] seal(BlockPosition at, byte[] plain) {
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, at);
            return c.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new MleException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /** Decrypts and authenticates one block into {@code plain}, which has room for exactly its plaintext. */
    void open(BlockPosition at, ByteBuffer sealed, ByteBuffer plain) {
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, at);
            int written = c.doFinal(sealed, plain);
            if (written != at.plainLength()) {
                throw new CorruptFileException("encrypted block " + at.index() + " of section " + at.kindName() + " decrypts to "
                        + written + " bytes, expected " + at.plainLength());
            }
        } catch (AEADBadTagException e) {
            throw new DecryptionException("block " + at.index() + " of section " + at.kindName()
                    + " fails authentication: the file was changed after it was encrypted");
        } catch (GeneralSecurityException e) {
            throw new MleException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }

    private Cipher cipher(int mode, BlockPosition at) throws GeneralSecurityException {
        ByteBuffer nonce = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(at.nonceId()).putLong(at.index());
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, fileKey, new GCMParameterSpec(TAG_LENGTH * 8, nonce.array()));
        c.updateAAD(associatedData(at));
        return c;
    }

    /**
     * 56 bytes: magic, major version, two zero bytes, key id, section kind and flags, block size,
     * raw length and block index, all little-endian.
     */
    private byte[] associatedData(BlockPosition at) {
        ByteBuffer b = ByteBuffer.allocate(AAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FileHeader.MAGIC).putShort((short) major).putShort((short) 0).put(keyId);
        b.putInt(at.kind()).putInt(at.flags()).putInt(at.blockSize()).putLong(at.rawLength()).putLong(at.index());
        return b.array();
    }

    /** Where a block sits: what its nonce and associated data are made of, and its plaintext length. */
    record BlockPosition(int kind, int flags, int blockSize, long rawLength, int nonceId, long index, int plainLength) {
        String kindName() {
            SectionKind k = SectionKind.fromCode(kind);
            return k == null ? "UNKNOWN(" + kind + ")" : k.name();
        }
    }
}
