"""How much of a file this process holds resident through its memory maps (Linux /proc/self/smaps)."""

from __future__ import annotations

import os
import re
from pathlib import Path

HAS_SMAPS = Path("/proc/self/smaps").exists()


def resident_kib(path: Path) -> int:
    """This process's resident memory in mappings of `path`, in KiB."""
    target = os.path.realpath(path)
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text(errors="surrogateescape").splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            inside = line.endswith(target)
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total
