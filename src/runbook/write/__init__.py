"""write: results back into the author's Markdown, byte for byte.

Owns rewriting: splicing result regions in and stripping them out (``annotate``,
``strip(annotate(doc)) == doc``), the Markdown inside a region (``result_block``) and
``runbook update``'s edits of expected-output blocks (``update``). Pure text in, text
out; it may import the base modules, ``shell``, ``parse``, ``judge`` and ``run``'s
data types; never lint, report, api or cli.
"""
