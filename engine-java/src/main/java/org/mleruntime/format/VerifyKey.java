package org.mleruntime.format;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.mleruntime.MleException;

/**
 * An Ed25519 public key that model file signatures are checked against, with its key id: the first
 * 16 bytes of SHA-256 of the 32-byte raw key. Read from the raw 32 bytes or a PEM "PUBLIC KEY" block
 * (X.509 SubjectPublicKeyInfo, RFC 8410), as OpenSSL writes it.
 */
public final class VerifyKey {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
    static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final PublicKey key;
    private final byte[] raw;
    private final byte[] id;

    VerifyKey(PublicKey key) {
        byte[] der = key.getEncoded();
        this.key = key;
        this.raw = Arrays.copyOfRange(der, der.length - 32, der.length);
        this.id = Arrays.copyOf(KeyMaterial.sha256(raw), 16);
    }

    /** A key from its 32 raw bytes or the text of a PEM file. */
    public static VerifyKey of(byte[] material) {
        byte[] der;
        if (material.length == 32) {
            der = concat(X509_PREFIX, material);
        } else if (KeyMaterial.isPem(material)) {
            der = KeyMaterial.pemBody(material, "PUBLIC KEY", "a verification key");
        } else {
            throw new IllegalArgumentException("a verification key must be a raw 32-byte Ed25519 public key or a PEM 'PUBLIC KEY' file, got "
                    + material.length + " bytes");
        }
        try {
            return new VerifyKey(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
        }
    }

    public static VerifyKey read(Path file) {
        return of(KeyMaterial.read(file, "verification key"));
    }

    public byte[] raw() {
        return raw.clone();
    }

    public byte[] id() {
        return id.clone();
    }

    public String idHex() {
        return KeyMaterial.hex(id);
    }

    public String toPem() {
        return KeyMaterial.pem("PUBLIC KEY", key.getEncoded());
    }

    boolean verifies(byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new MleException("Ed25519 is unavailable in this Java runtime: " + e.getMessage(), e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
