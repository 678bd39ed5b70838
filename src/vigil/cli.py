"""The `vigil` command.

Pure domain commands (offences, screening, networks, linkage, taxonomy) run without Django so
they answer fast and work on a machine with no database. Everything else is handed to Django's
management command runner, so `vigil migrate`, `vigil runserver` and our own management
commands (`vigil demo`, `vigil audit verify`, ...) all work.
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> module exposing `main(argv: list[str]) -> int`
PURE_COMMANDS: dict[str, str] = {
    "offences": "vigil.commands.offences",
    "screen": "vigil.commands.screen",
    "taxonomy": "vigil.commands.taxonomy",
    "networks": "vigil.commands.networks",
    "link": "vigil.commands.link",
    "notice": "vigil.commands.notice",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in PURE_COMMANDS:
        module = importlib.import_module(PURE_COMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    from django.core.management import execute_from_command_line

    if args[:1] == ["help"] or not args:
        print("Domain commands: " + ", ".join(sorted(PURE_COMMANDS)))
    execute_from_command_line(["vigil", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
