"""Mask secret values wherever they appear: raw, URL-encoded, JSON- or shell-escaped."""

from __future__ import annotations

import json
import re
import shlex
from typing import Iterable
from urllib.parse import quote, quote_plus

MASK = "••••"
MIN_LEN = 3
"""Shorter values are not masked: masking every ``a`` would destroy the output."""


class Masker:
    """Replaces every known secret value (and its common encodings) with ``••••``."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._forms: set[str] = set()
        self._re: re.Pattern[str] | None = None
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        """Learn more secret values (e.g. one a step exported)."""
        before = len(self._forms)
        for v in values:
            if not v or len(v) < MIN_LEN:
                continue
            for form in (v, quote(v, safe=""), quote_plus(v), json.dumps(v)[1:-1],
                         shlex.quote(v), v.replace("'", "'\\''")):
                if len(form) >= MIN_LEN:
                    self._forms.add(form)
        if len(self._forms) != before:
            alts = sorted(self._forms, key=len, reverse=True)
            self._re = re.compile("|".join(map(re.escape, alts)))

    def __bool__(self) -> bool:
        return self._re is not None

    def __call__(self, text: str) -> str:
        if self._re is None or not text:
            return text
        return self._re.sub(MASK, text)
