"""Scoring on Spark (mle_runtime.spark) in a local[2] session of PySpark's bundled Spark: the JVM
transformer, the SQL function and the Python fallback give what `load_model(...)` gives for the
same rows, the fallback also from a Spark Connect client; pipelines save and load; files ship with
addFile; bad columns fail when the transformer is applied, naming the column."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import mle_runtime
import numpy as np
import pandas as pd
import pytest
from mle_runtime import _jvm

pyspark = pytest.importorskip("pyspark", reason="the dev extra installs pyspark; without it there is no Spark to test on")
from mle_runtime.spark import MleTransformer, jars, register  # noqa: E402
from pyspark.errors import IllegalArgumentException  # noqa: E402
from pyspark.ml import Pipeline, PipelineModel  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402


# PySpark warns on import that pandas 3 is not fully supported; this package converts through Arrow only.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    home = _jvm.resolve_java_home()
    assert _jvm.has_vector_module(home), f"Spark's launcher adds the jdk.incubator.vector module, which {home} lacks: set JAVA_HOME to a full JDK 25"
    os.environ["JAVA_HOME"] = home
    os.environ["PYSPARK_PYTHON"] = sys.executable
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = (SparkSession.builder.master("local[2]").appName("mle-runtime-tests")
               .config("spark.jars", ",".join(jars())).config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.sql.warehouse.dir", str(warehouse))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _frame(spark, X: pd.DataFrame, types: dict | None = None):
    """A Spark DataFrame of X with an id column, built from rows (no pandas conversion inside Spark)."""
    fields = [T.StructField("id", T.LongType(), False)]
    for c in X.columns:
        kind = (types or {}).get(c) or (T.StringType() if X[c].dtype.kind in "OUT" or str(X[c].dtype) == "str" else T.DoubleType())
        fields.append(T.StructField(c, kind, True))
    rows = []
    for i, values in enumerate(X.itertuples(index=False)):
        rows.append((i, *[None if v is None or (isinstance(v, float) and v != v) else v for v in values]))
    return spark.createDataFrame(rows, T.StructType(fields)).repartition(3)


def _by_id(rows, column):
    ordered = sorted(rows, key=lambda r: r["id"])
    return np.array([r[column] for r in ordered], dtype=object if isinstance(ordered[0][column], str) else None)


@pytest.fixture(scope="module")
def cancer(datasets):
    X, y = datasets["breast_cancer"]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    return frame, y


@pytest.fixture(scope="module")
def forest_file(cancer, tmp_path_factory):
    from sklearn.ensemble import RandomForestClassifier

    X, y = cancer
    path = str(tmp_path_factory.mktemp("spark") / "forest.mle")
    mle_runtime.export_model(RandomForestClassifier(n_estimators=30, max_depth=6, random_state=0).fit(X, y), path)
    return path


@pytest.mark.parametrize("engine", ["jvm", "python"])
def test_forest_gives_what_load_model_gives(spark, cancer, forest_file, engine):
    X, _ = cancer
    model = mle_runtime.load_model(forest_file)
    df = _frame(spark, X)
    proba = MleTransformer(model_path=forest_file, method="predict_proba", output_col="proba", engine=engine).transform(df)
    np.testing.assert_array_equal(np.stack(_by_id(proba.collect(), "proba")), model.predict_proba(X))
    labels = MleTransformer(model_path=forest_file, engine=engine).transform(df)
    assert labels.schema["prediction"].dataType == T.LongType()
    np.testing.assert_array_equal(_by_id(labels.collect(), "prediction"), model.predict(X))


def test_lightgbm_booster(spark, datasets, tmp_path):
    import lightgbm

    X, y = datasets["diabetes"]
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    booster = lightgbm.train({"objective": "regression", "num_leaves": 15, "verbose": -1}, lightgbm.Dataset(frame, y), num_boost_round=40)
    path = str(tmp_path / "booster.mle")
    mle_runtime.export_model(booster, path)
    scored = MleTransformer(model_path=path, batch_size=100).transform(_frame(spark, frame)).collect()
    np.testing.assert_array_equal(_by_id(scored, "prediction"), mle_runtime.load_model(path).predict(frame))
    np.testing.assert_allclose(_by_id(scored, "prediction"), booster.predict(frame), rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A pipeline of string and numeric columns with missing values in both."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "age": rng.normal(40, 12, n),
        "income": rng.lognormal(10, 1, n),
        "city": rng.choice(["paris", "lyon", "nice", "brest"], n).astype(object),
        "plan": rng.choice(["basic", "pro", "team"], n).astype(object),
    })
    frame.loc[rng.random(n) < 0.1, "age"] = np.nan
    frame.loc[rng.random(n) < 0.1, "city"] = np.nan
    y = (frame["income"] > frame["income"].median()).astype(int) ^ (frame["plan"] == "pro").astype(int)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income"]),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), ["city", "plan"]),
    ])
    model = make_pipeline(pre, LogisticRegression(max_iter=500)).fit(frame, y)
    path = str(tmp_path_factory.mktemp("mixed") / "mixed.mle")
    mle_runtime.export_model(model, path)
    return frame, model, path


@pytest.mark.parametrize("engine", ["jvm", "python"])
def test_mixed_pipeline_with_string_columns_and_nulls(spark, mixed, engine):
    frame, sk_model, path = mixed
    df = _frame(spark, frame)
    assert df.filter("city IS NULL").count() > 0
    scored = MleTransformer(model_path=path, method="predict_proba", engine=engine).transform(df).collect()
    got = np.stack(_by_id(scored, "probability"))
    np.testing.assert_array_equal(got, mle_runtime.load_model(path).predict_proba(frame))
    np.testing.assert_allclose(got, sk_model.predict_proba(frame), rtol=1e-9, atol=1e-12)


def test_pipeline_model_saves_and_loads(spark, cancer, forest_file, tmp_path):
    X, _ = cancer
    df = _frame(spark, X)
    fitted = Pipeline(stages=[MleTransformer(model_path=forest_file, method="predict_proba", output_col="p")]).fit(df)
    fitted.write().overwrite().save(str(tmp_path / "pipeline"))
    loaded = PipelineModel.load(str(tmp_path / "pipeline"))
    stage = loaded.stages[0]
    assert isinstance(stage, MleTransformer) and stage.getOrDefault("method") == "predict_proba"
    got = np.stack(_by_id(loaded.transform(df).collect(), "p"))
    np.testing.assert_array_equal(got, mle_runtime.load_model(forest_file).predict_proba(X))
    alone = MleTransformer(model_path=forest_file, output_col="label")
    alone.write().overwrite().save(str(tmp_path / "stage"))
    assert MleTransformer.load(str(tmp_path / "stage")).getOrDefault("outputCol") == "label"


def test_sql_function_scores_in_batches(spark, cancer, forest_file):
    X, _ = cancer
    register(spark, "tumour", forest_file, "predict_proba")
    _frame(spark, X).createOrReplaceTempView("tumours")
    columns = ", ".join(X.columns)
    query = spark.sql(f"SELECT id, tumour({columns}) AS p FROM tumours")
    assert "ScoreNode" in query._jdf.queryExecution().optimizedPlan().toString()
    got = np.stack(_by_id(query.collect(), "p"))
    np.testing.assert_array_equal(got, mle_runtime.load_model(forest_file).predict_proba(X))
    benign = spark.sql(f"SELECT count(*) FROM tumours WHERE tumour({columns})[1] > 0.5").first()[0]
    assert benign == int((got[:, 1] > 0.5).sum())


def test_model_shipped_with_add_file(spark, cancer, forest_file, tmp_path):
    X, _ = cancer
    shipped = tmp_path / "shipped_forest.mle"
    shipped.write_bytes(open(forest_file, "rb").read())
    spark.sparkContext.addFile(str(shipped))
    assert not os.path.exists("shipped_forest.mle")
    for engine in ("jvm", "python"):
        scored = MleTransformer(model_path="shipped_forest.mle", engine=engine).transform(_frame(spark, X)).collect()
        np.testing.assert_array_equal(_by_id(scored, "prediction"), mle_runtime.load_model(forest_file).predict(X))


def test_columns_are_checked_when_the_transformer_is_applied(spark, cancer, forest_file, mixed):
    X, _ = cancer
    df = _frame(spark, X)
    with pytest.raises(IllegalArgumentException, match=r"lacks the columns \[f3\]"):
        MleTransformer(model_path=forest_file).transform(df.drop("f3"))
    with pytest.raises(IllegalArgumentException, match="column 'f2' is string where the model's feature 'f2' is a number"):
        MleTransformer(model_path=forest_file).transform(df.withColumn("f2", df["f2"].cast("string")))
    with pytest.raises(IllegalArgumentException, match="no method 'explain'"):
        MleTransformer(model_path=forest_file, method="explain").transform(df)
    with pytest.raises(IllegalArgumentException, match="already exist"):
        MleTransformer(model_path=forest_file, output_col="f0").transform(df)
    frame, _, path = mixed
    with pytest.raises(IllegalArgumentException, match="column 'city' is double where the model's feature 'city' is a string"):
        MleTransformer(model_path=path).transform(_frame(spark, frame.assign(city=1.0)))


def test_null_in_a_numeric_column_the_model_refuses_names_it(spark, cancer, tmp_path):
    from sklearn.linear_model import LogisticRegression

    X, y = cancer
    path = str(tmp_path / "linear.mle")
    mle_runtime.export_model(LogisticRegression(max_iter=5000).fit(X, y), path)
    holes = X.copy()
    holes.loc[5, "f7"] = np.nan
    with pytest.raises(Exception, match=r"NaN \(in column 'f7'.*these columns had nulls: f7"):
        MleTransformer(model_path=path).transform(_frame(spark, holes)).collect()


def test_jars_are_the_spark_jar_and_the_native_codecs():
    names = [os.path.basename(j) for j in jars()]
    assert names[0].startswith("mle-spark-") and any(n.startswith("zstd-jni-") for n in names)
    assert all(os.path.isfile(j) for j in jars())


_CONNECT_SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np, pandas as pd
    warnings.filterwarnings("ignore")
    from pyspark.sql import SparkSession
    from mle_runtime.spark import MleTransformer
    model_path, frame_path, out_path = sys.argv[1:4]
    spark = SparkSession.builder.remote("local[2]").getOrCreate()
    assert getattr(spark, "_jsparkSession", None) is None, "a Spark Connect client has no JVM handle"
    frame = pd.read_parquet(frame_path)
    scored = MleTransformer(model_path=model_path, method="predict_proba", output_col="p").transform(spark.createDataFrame(frame))
    rows = scored.select("id", "p").toPandas().sort_values("id")
    np.save(out_path, np.stack(rows["p"].to_numpy()))
    spark.stop()
    """
)


def test_a_spark_connect_client_scores_with_the_python_engine(cancer, forest_file, tmp_path):
    """engine="auto" on a Connect session (no JVM handle) takes the mapInArrow path; the local
    Connect server runs in a process of its own, apart from this module's classic session."""
    X, _ = cancer
    frame = X.copy()
    frame.insert(0, "id", np.arange(len(frame)))
    frame.to_parquet(tmp_path / "rows.parquet")
    env = dict(os.environ, JAVA_HOME=_jvm.resolve_java_home(), PYSPARK_PYTHON=sys.executable)
    done = subprocess.run([sys.executable, "-c", _CONNECT_SCRIPT, forest_file, str(tmp_path / "rows.parquet"), str(tmp_path / "p.npy")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with mle_runtime.load_model(forest_file) as model:
        np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), model.predict_proba(X.to_numpy()))
