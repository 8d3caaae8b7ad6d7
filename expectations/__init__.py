"""Great Expectations suites and the runner of the GX gates.

Importing this package first protects the process from pyspark (installed with the `spark` dependency
group; docs/scaling.md). Great Expectations imports `pyspark.sql.connect` when pyspark is present, and
that import calls `sys.exit(0)` when the process's main module has neither `__spec__` nor `__file__`:
pyspark takes that for its own doctest runner. Processes started by multiprocessing (Dagster's
multiprocess executor runs each step in one) and pytest-xdist workers have such a main module, so
every GX gate would die with `SystemExit: 0`. A spec named `__main__` tells pyspark it is not running
doctests; multiprocessing ignores a main module of that name.
"""
import importlib.machinery
import sys


def name_an_anonymous_main_module() -> None:
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None and not hasattr(main, "__file__"):
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)


name_an_anonymous_main_module()
