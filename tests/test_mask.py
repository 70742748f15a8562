"""Secret values are masked in every form they commonly take."""

from runbook.run.mask import MASK, Masker


def test_masks_raw_url_json_and_shell_forms():
    m = Masker(["p@ss w0rd/\"x\""])
    value = 'p@ss w0rd/"x"'
    samples = [
        f"password={value}",
        "https://user:p%40ss%20w0rd%2F%22x%22@host/db",
        "https://host/?q=p%40ss+w0rd%2F%22x%22",
        '{"password": "p@ss w0rd/\\"x\\""}',
    ]
    for s in samples:
        out = m(s)
        assert MASK in out, s
        assert "w0rd" not in out, out


def test_short_values_are_not_masked_and_empty_masker_is_identity():
    assert Masker(["ab"])("ab cd") == "ab cd"
    assert not Masker([])
    assert Masker([])("text") == "text"


def test_learns_values_later():
    m = Masker()
    m.add(["generated-token-123"])
    assert m("token is generated-token-123.") == f"token is {MASK}."
