"""MLE Runtime's benchmark harness: the model suite, the competitors, the measurements and the report.

`bench/run.py` drives it. `suite` holds the datasets and models (add a model there and every
section measures it), `competitors` the Python runtimes compared (each as its users call it),
`timing` the one way every timing is taken, `pysection` the Python measurements, `jvm` the Java
harness in `bench-java/`, `memory` and `scaling` the multi-process and model-size measurements,
`machine` the machine description and its peak rates, `report` the tables and plots. Nothing here
is a test, and nothing here may change the engine: it only calls public APIs.
"""
