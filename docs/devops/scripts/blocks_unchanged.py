"""Check with cmark-gfm that an annotated document keeps every original block unchanged.

Usage: python3 blocks_unchanged.py ORIGINAL.md ANNOTATED.md

Both files are parsed by cmark-gfm (an independent CommonMark + GFM renderer, not
runbook's markdown-it-py). The original's top-level blocks must appear, identical
and in order, among the annotated document's blocks, and every block the
annotated document adds must lie inside a ``<!-- runbook:begin ... -->`` /
``<!-- runbook:end -->`` region. Exit 0 and a one-line summary when that holds;
exit 1 with the first offending block otherwise.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

_NS = "{http://commonmark.org/xml/1.0}"


def blocks(path: str) -> list[tuple[str, int, int]]:
    """Top-level blocks as (canonical XML without positions, first line, last line), 1-based."""
    xml = subprocess.run(["cmark-gfm", "--sourcepos", "-t", "xml", "-e", "table", "-e", "strikethrough",
                          "-e", "autolink", "-e", "tasklist", path],
                         check=True, capture_output=True).stdout
    root = ET.fromstring(xml)
    out = []
    for child in root:
        start, end = re.match(r"(\d+):\d+-(\d+):\d+", child.get("sourcepos", "0:0-0:0")).groups()  # type: ignore[union-attr]
        for el in child.iter():
            el.attrib.pop("sourcepos", None)
        out.append((ET.tostring(child, encoding="unicode").replace(_NS, ""), int(start), int(end)))
    return out


def regions(path: str) -> list[tuple[int, int]]:
    """1-based inclusive line ranges of runbook's annotation regions."""
    found, start = [], None
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if start is None and line.lstrip().startswith("<!-- runbook:begin"):
                start = n
            elif start is not None and line.strip() == "<!-- runbook:end -->":
                found.append((start, n))
                start = None
    return found


def main(original: str, annotated: str) -> int:
    orig, ann = blocks(original), blocks(annotated)
    spans = regions(annotated)
    i = 0
    added = 0
    for xml, first, last in ann:
        if i < len(orig) and xml == orig[i][0]:
            i += 1
            continue
        if not any(a <= first and last <= b for a, b in spans):
            print(f"{annotated}:{first}: block outside any annotation region differs from the original "
                  f"(next original block: {original}:{orig[i][1] if i < len(orig) else 'end'})")
            return 1
        added += 1
    if i < len(orig):
        print(f"{original}:{orig[i][1]}: original block missing or changed in {annotated}")
        return 1
    print(f"{len(orig)} original blocks unchanged; {added} added blocks, all inside {len(spans)} "
          "annotation regions")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
