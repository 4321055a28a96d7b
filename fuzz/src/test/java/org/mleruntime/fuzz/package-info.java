/**
 * Fuzz tests (Jazzer, JUnit 5 {@code @FuzzTest}) of everything that reads bytes a user may not
 * control: the model file loader, opened with and without keys, and the XGBoost JSON and UBJSON,
 * LightGBM text and CatBoost JSON converters. Each target takes the fuzzer's bytes as a file, and
 * whatever loads is built into a session and run on a few rows shaped from the graph's declared
 * inputs. The engine's own exceptions ({@link org.mleruntime.MleException} and its subclasses) are
 * the expected answers to a bad file, unless they only wrap a failure ({@link EngineErrors}); any
 * other exception, any {@link java.lang.Error} (the JVM runs with a small heap, so unbounded
 * allocation surfaces as {@link java.lang.OutOfMemoryError}), a crash or a run past the per-input
 * timeout is a finding. Seeds are the golden model files and the converters' fixtures;
 * fuzz/README.md says how to run the fuzzers and where findings go. This module owns the targets
 * and their harness only, never the code under test.
 */
package org.mleruntime.fuzz;
