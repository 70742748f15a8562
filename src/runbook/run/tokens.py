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


def nonces(count: int, nbytes: int = 8) -> list[str]:
    """``count`` tokens of ``nbytes`` random bytes each, from one read of the system's source
    (a batch's nonces: the same randomness as ``count`` calls of ``token_hex``)."""
    whole = token_hex(nbytes * count)
    step = 2 * nbytes
    return [whole[i:i + step] for i in range(0, len(whole), step)]
