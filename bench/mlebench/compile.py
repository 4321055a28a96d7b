"""Builds compiled-tree artifacts in a child process, so that the harness can give up on one that
takes too long: `python -m mlebench.compile tl2cgen|lleaves <source model file> <target> [gcc flags]`.

TL2cgen builds from XGBoost's UBJSON, LightGBM's text or a joblib'd scikit-learn forest, with
gcc, the trees spread over 200 translation units compiled in parallel on every core (extra gcc
flags go after TL2cgen's own, so `-O1` overrides its `-O3`); lleaves compiles a LightGBM text
model and caches the object file at the target path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def tl2cgen_build(source: Path, target: Path, flags: list[str]) -> None:
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
    tl2cgen.export_lib(model, toolchain="gcc", libpath=str(target), params={"parallel_comp": 200}, nthread=cores, options=flags or None)


def lleaves_build(source: Path, target: Path, flags: list[str]) -> None:
    import lleaves

    target.unlink(missing_ok=True)
    lleaves.Model(model_file=str(source)).compile(cache=str(target))


def main() -> None:
    kind, source, target, flags = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
    {"tl2cgen": tl2cgen_build, "lleaves": lleaves_build}[kind](source, target, flags)


if __name__ == "__main__":
    main()
