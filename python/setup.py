"""Refuses to build a wheel or sdist without the engine's jars: without them the package installs
and fails at the first load. `make wheel` (or `make jar`) at the repository root puts them in
mle_runtime/jars/. An editable install (`make setup`) is built before them and is not checked."""

import glob
import os

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

JARS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mle_runtime", "jars", "*.jar")
MISSING = ("the engine jars are missing from mle_runtime/jars/: build them first with `make jar` (or `make wheel`) at the "
           "root of the MLE Runtime repository; a package without them installs and fails at its first load")


def require_jars() -> None:
    if not glob.glob(JARS):
        raise SystemExit(MISSING)


class BuildPyWithJars(build_py):
    def run(self):
        if not getattr(self, "editable_mode", False):
            require_jars()
        super().run()


class SdistWithJars(sdist):
    def run(self):
        require_jars()
        super().run()


setup(cmdclass={"build_py": BuildPyWithJars, "sdist": SdistWithJars})
