/**
 * The bridge the Python SDK calls through JPype: model writing from exporter calls (with the
 * compression, quantization, signing and encryption options of an export), loading with keys,
 * running on numpy memory by address, key generation, and JSON descriptions, which the {@code mle}
 * command line prints too. It translates between Python's view and the engine's Java API and holds
 * no model logic of its own.
 */
package org.mleruntime.bridge;
