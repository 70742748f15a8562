"""How a fence relates to what comes before it: its expected-output label, and whether it is
the expected output of the step waiting for one (spec §2, issue 12).

* :func:`label_before` -- the label in the paragraph, heading or HTML block right before the
  fence, or in the paragraph before one HTML comment ("The output is:", ``<!-- note -->``,
  block). An untagged fence the prose calls commands ("Run:") that reads as shell becomes a
  ``sh`` step.
* :func:`output_origin` -- ``block`` (an ``output``/``expected`` fence), ``label`` (right after
  a label), ``adjacent`` (only blank lines after the step), or None: not its output.
"""

from __future__ import annotations

from typing import Sequence

from runbook.parse.blocks import Block
from runbook.parse.commands import ADJACENT_LANGS, SHELL_LANGS
from runbook.parse.labels import Label, expected_label
from runbook.parse.noncommands import output_like, untagged_step


def label_before(blocks: Sequence[Block], prev: int, lang: str, b: Block) -> tuple[Label | None, str]:
    """The expected-output label before fence ``b`` (``prev``: index of the block before it) and
    the fence's language (``sh`` for an untagged block the prose calls commands)."""
    label: Label | None = None
    if prev >= 0 and blocks[prev].kind in ("para", "heading", "html"):
        label = expected_label(blocks[prev].raw)
        if lang == "" and untagged_step(blocks[prev].text or blocks[prev].raw, b.raw):
            lang = "sh"  # "Run:" + a block that reads as shell: a step (issue 12)
    if label is None and prev >= 1 and blocks[prev].kind == "html":  # label, <!-- note -->, block
        label = expected_label(blocks[prev - 1].raw) if blocks[prev - 1].kind == "para" else None
    return label, lang


def output_origin(b: Block, lang: str, is_output: bool, shaped: bool, label: Label | None,
                  blank_before: bool) -> str | None:
    """How ``b`` is the expected output of the waiting step, or None when it is not
    (``blank_before``: only blank lines between that step's block and ``b``)."""
    if is_output:
        return "block"
    sample = not shaped and output_like(lang, b.raw)  # shell-tagged, yet no line reads as shell
    if label is not None and not shaped and (label.strong or lang not in SHELL_LANGS or sample):
        return "label"
    if (sample or lang in ADJACENT_LANGS and not shaped) and blank_before:
        return "adjacent"
    return None
