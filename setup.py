"""Build hook: a wheel carries the graph compiled for the Python that builds it (see iccs/cache.py),
so that an installation starts fast from its first run, even where it cannot write a cache.
Everything else about the package is in setup.cfg."""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCompiledGraph(build_py):
    def run(self):
        super().run()
        package = os.path.join(self.build_lib, "iccs")
        sys.path.insert(0, self.build_lib)
        try:
            from iccs.cache import build_packaged

            build_packaged(package)
        except Exception as e:  # no rdflib at build time: the cache is compiled at first run instead
            print(f"iccs: graph not precompiled ({e}); it will be compiled at first use", file=sys.stderr)
        finally:
            sys.path.remove(self.build_lib)
            for name in [m for m in sys.modules if m == "iccs" or m.startswith("iccs.")]:
                del sys.modules[name]


setup(cmdclass={"build_py": BuildPyWithCompiledGraph})
