"""Random tokens: the nonces of the shell protocol, run markers, session ids.

``os.urandom`` is what ``secrets.token_hex`` reads; the ``secrets`` module itself imports
``hmac``, ``hashlib`` and ``base64`` for functions runbook does not use (several ms of every
start-up). Tests record the tokens a session draws by replacing ``token_hex`` here.
"""

from __future__ import annotations

import os


def token_hex(nbytes: int = 8) -> str:
    """``nbytes`` random bytes from the system's source, as hex (``2 * nbytes`` characters)."""
    return os.urandom(nbytes).hex()
