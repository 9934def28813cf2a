"""A local ECR endpoint with the archive storage class, built on moto's server.

    with emulator.serve(port=0, activation_delay=timedelta(minutes=9)) as ecr:
        client = boto3.client("ecr", endpoint_url=ecr.endpoint_url, ...)
        digest = ecr.push_image("app", "v1", size=3_400_000)
        ...
        ecr.advance(timedelta(days=90))

`serve()` runs an `Emulator` behind HTTP on 127.0.0.1; `python -m emulator` does the
same from a shell; `ControlClient` drives one from another process; the pytest
plugin (`emulator.pytest_plugin`) provides the `ecr_emulator` and `ecr_client`
fixtures.
"""

from emulator._clock import EmulatorClock
from emulator._control import ControlClient, ControlError
from emulator._emulator import DEFAULT_ACTIVATION_DELAY, Emulator
from emulator._faults import ANY_OPERATION, Fault, FaultKind
from emulator._server import EmulatorServer, serve
from emulator._state import ImageStatus

__all__ = [
    "ANY_OPERATION",
    "DEFAULT_ACTIVATION_DELAY",
    "ControlClient",
    "ControlError",
    "Emulator",
    "EmulatorClock",
    "EmulatorServer",
    "Fault",
    "FaultKind",
    "ImageStatus",
    "serve",
]
