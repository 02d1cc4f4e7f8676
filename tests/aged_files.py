"""Old cache files for the pruning tests: written with falling modification times, the first newest."""

from __future__ import annotations

import os
from pathlib import Path


def write_aged(files: list[Path], content: bytes) -> None:
    for age, file in enumerate(files, start=1):
        file.write_bytes(content)
        os.utime(file, (1_000_000 - age, 1_000_000 - age))
