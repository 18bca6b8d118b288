"""kubectl 1.37 from the virtual environment, run against the emulated cluster."""

from __future__ import annotations

import asyncio
import dataclasses
import pathlib
import re

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
KUBECTL = REPOSITORY / ".venv" / "bin" / "kubectl"


@dataclasses.dataclass(frozen=True)
class Kubectl:
    """kubectl with the emulator's kubeconfig, in one namespace."""

    kubeconfig: pathlib.Path
    namespace: str

    async def run(self, *args: str, timeout: float = 60) -> tuple[int, str, str]:
        """Exit code, standard output and standard error of one kubectl command."""
        process = await asyncio.create_subprocess_exec(
            str(KUBECTL), "--kubeconfig", str(self.kubeconfig), "--namespace", self.namespace,
            *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=timeout)
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def __call__(self, *args: str, timeout: float = 60) -> str:
        """Standard output of a kubectl command that must succeed."""
        code, out, err = await self.run(*args, timeout=timeout)
        if code != 0:
            raise AssertionError(f"kubectl {' '.join(args)} exited with {code}: {err.strip()}")
        return out


def table(text: str) -> list[dict[str, str]]:
    """kubectl's table as one dict per row, cut at the header's columns."""
    header, *rows = text.rstrip().splitlines()
    starts = [match.start() for match in re.finditer(r"\S+", header)]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    names = [header[start:end].strip() for start, end in bounds]
    return [
        {name: line[start:end].strip() for name, (start, end) in zip(names, bounds, strict=True)}
        for line in rows
    ]
