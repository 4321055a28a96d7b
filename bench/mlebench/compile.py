"""Builds compiled-tree artifacts in a child process, so that the harness can give up on one that
takes too long: `python -m mlebench.compile tl2cgen|lleaves <source model file> <target>`.

TL2cgen builds from XGBoost's UBJSON, LightGBM's text or a joblib'd scikit-learn forest, with
gcc, one translation unit per few trees compiled in parallel on every core; lleaves compiles a
LightGBM text model and caches the object file at the target path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def tl2cgen_build(source: Path, target: Path) -> None:
    import tl2cgen
    import treelite

    if source.suffix == ".ubj":
        import xgboost

        model = treelite.frontend.from_xgboost(xgboost.Booster(model_file=str(source)))
    elif source.suffix == ".txt":
        model = treelite.frontend.load_lightgbm_model(str(source))
    else:
        import joblib

        model = treelite.sklearn.import_model(joblib.load(source))
    cores = os.cpu_count() or 1
    tl2cgen.export_lib(model, toolchain="gcc", libpath=str(target), params={"parallel_comp": max(cores, 8)}, nthread=cores)


def lleaves_build(source: Path, target: Path) -> None:
    import lleaves

    target.unlink(missing_ok=True)
    lleaves.Model(model_file=str(source)).compile(cache=str(target))


def main() -> None:
    kind, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    {"tl2cgen": tl2cgen_build, "lleaves": lleaves_build}[kind](source, target)


if __name__ == "__main__":
    main()
