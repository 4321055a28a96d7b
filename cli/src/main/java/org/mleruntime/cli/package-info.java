/**
 * The {@code mle} command line, a Java program that needs no Python: inspect, verify, sign,
 * encrypt, decrypt, compress, quantize, keygen, bench and convert. It owns argument parsing, the
 * tables and progress it prints and the exit status (0 done, 1 failed, 2 misused), and calls the
 * engine's public API for every piece of work; it holds no format or model logic of its own.
 */
package org.mleruntime.cli;
