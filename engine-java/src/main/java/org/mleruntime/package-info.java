/**
 * The Java API: {@link org.mleruntime.MleModel} opens a model file and runs it, and the exception
 * hierarchy rooted at {@link org.mleruntime.MleException}. The layers beneath are format, ir, ops,
 * optimizer, planner, executor, backend and kernels; docs/ARCHITECTURE.md draws them.
 */
package org.mleruntime;
