/**
 * The bridge the Python SDK calls through JPype: model writing from exporter calls, loading,
 * running on numpy memory by address, and JSON descriptions. It translates between Python's view
 * and the engine's Java API and holds no model logic of its own.
 */
package org.mleruntime.bridge;
