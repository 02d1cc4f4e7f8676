"""Write the data schema (bot/data/schema.py) as JSON Schema files in schema/, for editors.

    python scripts/export_schema.py          # write schema/*.schema.json
    python scripts/export_schema.py --check  # exit 1 when schema/ is out of date (a test runs this too)

VS Code's YAML extension (redhat.vscode-yaml) then completes and checks the fields as staff type;
knowledge/README.md shows the settings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import PROJECT_ROOT
from bot.data.schema import json_schemas

SCHEMA_DIR = PROJECT_ROOT / "schema"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    args = parser.parse_args()
    wanted = json_schemas()
    stale = sorted(
        name for name, text in wanted.items()
        if not (SCHEMA_DIR / name).exists() or (SCHEMA_DIR / name).read_text(encoding="utf-8") != text
    )
    extra = sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json") if p.name not in wanted)
    if args.check:
        for name in [*stale, *extra]:
            print(f"schema/{name} is out of date: run python scripts/export_schema.py")
        return 1 if stale or extra else 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in stale:
        (SCHEMA_DIR / name).write_text(wanted[name], encoding="utf-8")
    for name in extra:
        (SCHEMA_DIR / name).unlink()
    print(f"schema/: {len(stale)} written, {len(extra)} removed, {len(wanted) - len(stale)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
