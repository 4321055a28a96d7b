package org.mleruntime.format;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 256-bit AES key for encrypting model files, and its 16-byte key id (HKDF-SHA256 of the key with
 * info "mle key id"), which the file header records so that a wrong key is named as such. Key files
 * hold the 32 bytes raw, as 64 hexadecimal digits, or in base64.
 */
public final class EncryptionKey {
    public static final int SIZE = 32;

    private final byte[] key;
    private final byte[] id;

    private EncryptionKey(byte[] key) {
        this.key = key.clone();
        this.id = KeyMaterial.hkdf(this.key, new byte[0], "mle key id", 16);
    }

    /** A key from 32 raw bytes, or from the text of a key file (64 hex digits or base64 of 32 bytes). */
    public static EncryptionKey of(byte[] material) {
        if (material.length == SIZE) {
            return new EncryptionKey(material);
        }
        String text = new String(material, StandardCharsets.US_ASCII).strip();
        try {
            if (text.length() == 2 * SIZE) {
                return new EncryptionKey(HexFormat.of().parseHex(text));
            }
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length == SIZE) {
                return new EncryptionKey(decoded);
            }
        } catch (IllegalArgumentException e) {
            // Neither hex nor base64: reported below with what was expected.
        }
        throw new IllegalArgumentException("an encryption key must be 32 bytes (raw, 64 hex digits or base64), got "
                + material.length + " bytes");
    }

    public static EncryptionKey read(Path file) {
        return of(KeyMaterial.read(file, "encryption key"));
    }

    public static EncryptionKey generate() {
        byte[] key = new byte[SIZE];
        new SecureRandom().nextBytes(key);
        return new EncryptionKey(key);
    }

    public byte[] id() {
        return id.clone();
    }

    public String idHex() {
        return KeyMaterial.hex(id);
    }

    /** The key as a key file holds it: 64 hex digits and a newline. */
    public String toHex() {
        return KeyMaterial.hex(key) + "\n";
    }

    public byte[] bytes() {
        return key.clone();
    }

    /** The AES-256 key of one file: HKDF-SHA256 of this key with the file's salt and info "mle file key". */
    byte[] fileKey(byte[] salt) {
        return KeyMaterial.hkdf(key, salt, "mle file key", SIZE);
    }
}
