package org.mleruntime.format;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.mleruntime.MleException;

/**
 * An Ed25519 private key that signs model files, from its raw 32-byte seed or a PEM "PRIVATE KEY"
 * block (PKCS#8, RFC 8410), as OpenSSL writes it. The JDK signs; no other crypto library is needed.
 */
public final class SigningKey {
    /** The DER prefix of an Ed25519 PKCS#8 v1 private key; the 32-byte seed follows it. */
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

    private final PrivateKey key;
    private final byte[] seed;
    private final VerifyKey verifyKey;

    private SigningKey(byte[] seed) {
        // The JDK derives the public key only while generating a pair; the pair generator reads the
        // seed as its 32 random bytes, which gives the pair of this seed.
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            this.key = pair.getPrivate();
            this.seed = seed.clone();
            this.verifyKey = new VerifyKey(pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new MleException("Ed25519 is unavailable in this Java runtime: " + e.getMessage(), e);
        }
    }

    /** A key from its 32-byte seed or the text of a PEM file. */
    public static SigningKey of(byte[] material) {
        if (material.length == 32) {
            return new SigningKey(material);
        }
        if (!KeyMaterial.isPem(material)) {
            throw new IllegalArgumentException("a signing key must be a raw 32-byte Ed25519 private key or a PEM 'PRIVATE KEY' file, got "
                    + material.length + " bytes");
        }
        byte[] der = KeyMaterial.pemBody(material, "PRIVATE KEY", "a signing key");
        try {
            PrivateKey parsed = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] seed = ((EdECPrivateKey) parsed).getBytes()
                    .orElseThrow(() -> new IllegalArgumentException("the PEM private key has no key bytes"));
            return new SigningKey(seed);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage());
        }
    }

    public static SigningKey read(Path file) {
        return of(KeyMaterial.read(file, "signing key"));
    }

    public static SigningKey generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new SigningKey(seed);
    }

    public byte[] seed() {
        return seed.clone();
    }

    public VerifyKey verifyKey() {
        return verifyKey;
    }

    public String toPem() {
        return KeyMaterial.pem("PRIVATE KEY", VerifyKey.concat(PKCS8_PREFIX, seed));
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new MleException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /** A source of "random" bytes that yields one given seed: how the JDK is asked for the pair of a known key. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("Ed25519 key generation asked for " + out.length + " bytes, expected 32");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
