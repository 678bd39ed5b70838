"""Just enough of a PDF text extractor to read WeasyPrint's output in tests (no PDF library is
installed): object streams, Flate-compressed content streams, Type 0 fonts with ToUnicode
CMaps, and the Tj/TJ text operators."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
_PLAIN = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)


def _objects(pdf: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """(object id -> dictionary text, object id -> decoded stream data)."""
    bodies: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    for match in _STREAM.finditer(pdf):
        number, head = int(match.group(1)), match.group(2)
        length = int(re.search(rb"/Length (\d+)", head).group(1))  # type: ignore[union-attr]
        data = pdf[match.end() : match.end() + length]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        bodies[number], streams[number] = head, data
    for match in _PLAIN.finditer(pdf):
        bodies.setdefault(int(match.group(1)), match.group(2))
    for number, head in list(bodies.items()):
        if b"/ObjStm" in head:
            data = streams[number]
            first = int(re.search(rb"/First (\d+)", head).group(1))  # type: ignore[union-attr]
            numbers = [int(n) for n in data[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for index, (inner, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
                bodies[inner] = data[first + offset : first + end]
    return bodies, streams


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The document's text, one text object per line, whitespace collapsed within lines."""
    bodies, streams = _objects(pdf)
    cmaps: dict[bytes, dict[int, str]] = {}
    # Font resources map a name (as used by Tf) to a Type 0 font, whether the /Font
    # dictionary is inline or its own object: any "/Name N 0 R" naming such a font counts.
    for body in bodies.values():
        for name, ref in re.findall(rb"/([^\s/\[\]<>()]+)\s+(\d+) 0 R", body):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", bodies.get(int(ref), b""))
            if to_unicode:
                cmaps[name] = _cmap(streams.get(int(to_unicode.group(1)), b""))
    lines: list[str] = []
    token = re.compile(
        rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf|(\[.*?\])\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|\b(ET|Tm|Td|TD)\b"
    )
    for number, data in streams.items():
        head = bodies.get(number, b"")
        if b"/Length1" in head or b"begincmap" in data or b"/ObjStm" in head:
            continue
        font: dict[int, str] = {}
        current: list[str] = []
        for match in token.finditer(data):
            name, array, single, end = match.groups()
            if name:
                font = cmaps.get(name, {})
            elif end:
                if current:
                    lines.append(" ".join("".join(current).split()))
                current = []
            else:
                hexes = re.findall(rb"<([0-9A-Fa-f]*)>", array) if array else [single]
                for chunk in hexes:
                    raw = bytes.fromhex(chunk.decode())
                    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                    current.append("".join(font.get(code, "") for code in codes))
    return "\n".join(line for line in lines if line)
