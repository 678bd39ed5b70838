"""`vigil taxonomy [--json]`: the warning-sign taxonomy from the guidance.

`--json` prints `{"version": str, "items": [{"code", "kind", "category", "label", "source",
"section", "derived"}]}` (issue 6 CLI contract; `section` and `derived` are additions).
"""

from __future__ import annotations

import json
import sys

from vigil.core.taxonomy import KINDS, load_taxonomy

USAGE = "usage: vigil taxonomy [--json]"


def main(argv: list[str]) -> int:
    if any(arg not in ("--json",) for arg in argv):
        print(f"arguments: unexpected {' '.join(argv)!r}\n{USAGE}", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy()
    if "--json" in argv:
        document = {
            "version": taxonomy.version,
            "items": [item.to_dict() for item in taxonomy],
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = [f"CSE taxonomy {taxonomy.version} ({len(taxonomy)} items)"]
    for kind in KINDS:
        lines.append("")
        lines.append(kind.replace("_", " ").capitalize())
        for item in taxonomy.by_kind(kind):
            where = f" [{item.category}]" if item.category else ""
            derived = " (derived)" if item.derived else ""
            lines.append(f"  {item.code}{where}{derived}: {item.label}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
