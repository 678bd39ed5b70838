"""Command-line front ends over the pure domain cores in `vigil.core`.

Each module exposes `main(argv: list[str]) -> int`. Contract: results on stdout, problems on
stderr naming the field, exit status 2 on bad input with nothing on stdout.
"""
