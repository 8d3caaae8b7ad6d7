"""Dagster internals (dagster 1.13): a run executed in this process recorded as a run of the code location's job.

`JobDefinition.execute_in_process` (what `make run` uses: one process, the CLI's own progress display, the
result's events at hand) records a run without a remote origin: the webserver lists it among all runs, but
not on the job's page (which filters on the `.dagster/repository` tag Dagster derives from the origin) nor on
the Overview timeline (which groups runs by their repository origin). Dagster's own `dagster job execute`
has the same gap (dagster-io/dagster issue 17707, open). A run launched through the webserver or
`dagster job launch` has the origin, but runs in another process, away from the CLI's display and its
SIGTERM handling (orchestration/run_guard.py).

`execute_as_job_run` executes in process as `execute_in_process` does and gives the run the origin of the
job in the code location `make ui` loads (`dagster dev -m orchestration.definitions`: location
`orchestration.definitions`, repository `__repository__`): during the call, the instance's
`create_run_for_job`, which `execute_in_process` calls once to record the run, is given the
`remote_job_origin` argument it already accepts. tests/test_framework_internals.py checks that it still
does and is still called so.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

# What `dagster dev -m <module>` names the code location and its single repository (Definitions).
REPOSITORY_NAME = "__repository__"


def job_origin(module_name: str, job_name: str, working_directory: Path) -> RemoteJobOrigin:
    """The origin a run of `job_name` gets when launched from the code location loaded with `-m module_name`."""
    target = LoadableTargetOrigin(
        executable_path=sys.executable, module_name=module_name, working_directory=str(working_directory)
    )
    location = ManagedGrpcPythonEnvCodeLocationOrigin(loadable_target_origin=target, location_name=module_name)
    return RemoteJobOrigin(
        repository_origin=RemoteRepositoryOrigin(code_location_origin=location, repository_name=REPOSITORY_NAME),
        job_name=job_name,
    )


def repository_label(origin: RemoteJobOrigin) -> str:
    """The run tag value (`.dagster/repository`) by which the job's page finds the run."""
    return origin.repository_origin.get_label()


def execute_as_job_run(job, instance, origin: RemoteJobOrigin, **execute_in_process_args):
    """`job.execute_in_process(instance=instance, **execute_in_process_args)`, the run recorded with `origin`."""
    if origin.job_name != job.name:
        raise ValueError(f"the origin names the job {origin.job_name}, not {job.name}")
    create_run_for_job = instance.create_run_for_job
    instance.create_run_for_job = functools.partial(create_run_for_job, remote_job_origin=origin)
    try:
        return job.execute_in_process(instance=instance, **execute_in_process_args)
    finally:
        del instance.create_run_for_job
