package org.mleruntime.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;
import org.mleruntime.MleException;

/** Reading key files and PEM text, and the HKDF-SHA256 and SHA-256 derivations keys are identified by. */
final class KeyMaterial {
    private KeyMaterial() {}

    static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " file not found: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e.getMessage());
        }
    }

    static boolean isPem(byte[] material) {
        return text(material).startsWith("-----BEGIN ");
    }

    static String text(byte[] material) {
        return new String(material, StandardCharsets.US_ASCII).strip();
    }

    /** The DER bytes of a PEM block labelled {@code label} ("PRIVATE KEY", "PUBLIC KEY"). */
    static byte[] pemBody(byte[] material, String label, String what) {
        String pem = text(material);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            String found = pem.lines().findFirst().orElse("");
            throw new IllegalArgumentException(what + " must be a PEM block '" + begin + "', found '" + found + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": the PEM block is not valid base64");
        }
    }

    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                digest.update(p);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new MleException("this Java runtime has no SHA-256", e);
        }
    }

    /** HKDF-SHA256 (RFC 5869) of {@code ikm} with {@code salt} (none when empty) and {@code info}, {@code length} bytes. */
    static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
        try {
            HKDFParameterSpec.Builder spec = HKDFParameterSpec.ofExtract().addIKM(ikm);
            if (salt.length > 0) {
                spec.addSalt(salt);
            }
            return KDF.getInstance("HKDF-SHA256").deriveData(spec.thenExpand(info.getBytes(StandardCharsets.US_ASCII), length));
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new MleException("HKDF-SHA256 is unavailable in this Java runtime: " + e.getMessage(), e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
