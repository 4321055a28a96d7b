"""scikit-learn's converters, one module per family of estimators (linear models, trees,
neighbours, SVMs, preprocessing, text, composition, …), each registering its converters with
`exporters.registry`. `common` holds what several families share and is the framework's entry
in the registry (its `require_finite`, `model_info` and the like); `composition` the graph
fragments the composite estimators build from their parts. Imported by the registry only when a
scikit-learn model is exported, so that `import mle_runtime` never imports scikit-learn; these
modules may use the IR, the registry, `columns` and `labels`, never the engine or the file format.
"""
