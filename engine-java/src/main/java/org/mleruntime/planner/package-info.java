/**
 * Planning before execution: shape and dtype inference over the whole graph and the memory plan
 * that gives intermediate values reusable slots by lifetime. It reads the IR and the operator
 * schemas; it never runs kernels or touches the file.
 */
package org.mleruntime.planner;
