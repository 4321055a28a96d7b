package org.mleruntime.ir;

/** A graph together with its metadata: everything a model file holds apart from the container. */
public record Model(Graph graph, ModelMetadata metadata) {}
