/**
 * The LightGBM converter: parses LightGBM's text model format and maps decision types (missing
 * type None/Zero/NaN, default direction, categorical bitsets), objectives and random-forest
 * averaging onto the shared tree-ensemble builder and heads, in double precision. It owns
 * LightGBM's semantics only; it must not change the shared code's behaviour for other frameworks,
 * nor reach into the engine beyond the IR.
 */
package org.mleruntime.exporters.lightgbm;
