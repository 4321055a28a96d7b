/**
 * The .mle container, format version 1: header, section table, sections, CRC32C, and the
 * FlatBuffers encoding of the graph and metadata (schema/mle.fbs, generated code in {@code fb}).
 * It owns every byte of the file, reads by memory-mapping and validating before use, and writes
 * atomically; it translates to and from the IR and never runs, optimises or plans a model.
 * docs/FORMAT.md is its specification.
 */
package org.mleruntime.format;
