/**
 * The .mle container, format version 1 (docs/FORMAT.md is its specification): header, section
 * table, CRC32C, the FlatBuffers encoding of the graph and metadata (schema/mle.fbs, generated code
 * in {@code fb}), and the coding of sections: block envelopes compressed with LZ4, Zstandard or
 * Brotli and encrypted with AES-256-GCM, Ed25519 signatures, and the keys they use. It owns every
 * byte of the file, reads by memory-mapping and validating (and verifying, and decrypting) before
 * use, and writes atomically; it translates to and from the IR and never runs, optimises,
 * quantizes or plans a model.
 */
package org.mleruntime.format;
