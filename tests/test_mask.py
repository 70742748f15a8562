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


def test_base64_and_hex_forms_are_masked_including_wrapped_and_embedded():
    import base64

    value = "s3cr3t-" + "Zq9" * 30  # long enough that base64 and xxd wrap it
    m = Masker([value])
    raw = value.encode()
    b64 = base64.b64encode(raw).decode()
    wrapped = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)) + "\n"
    hexed = raw.hex()
    xxd = "\n".join(hexed[i:i + 60] for i in range(0, len(hexed), 60)) + "\n"
    basic = base64.b64encode(b"user:" + raw).decode()  # an Authorization: Basic header
    for sample in (b64, b64.rstrip("="), base64.urlsafe_b64encode(raw).decode(),
                   base64.b64encode(raw + b"\n").decode(), hexed, hexed.upper(), wrapped, xxd):
        out = m("before " + sample + " after")
        assert out.startswith("before " + MASK) and out.endswith(" after"), (sample, out)
        assert out.count("\n") == sample.count("\n"), "line breaks of a wrapped form are kept"
    out = m(basic)
    assert MASK in out and len(out) < 12, out


def test_short_values_get_no_encoded_forms_but_are_masked_raw():
    m = Masker(["abc"])
    assert m("x abc y YWJj 616263") == f"x {MASK} y YWJj 616263"
    m = Masker(["abcd"])
    assert m("abcd YWJjZA== 61626364") == f"{MASK} {MASK} {MASK}"


def test_each_line_of_a_multiline_secret_is_masked_alone():
    m = Masker(["-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----"])
    assert m("line: MIIEvQIBADANBgkq") == f"line: {MASK}"


def test_results_are_masked_again_with_values_learned_later():
    from runbook.model import Check, Output, Status, StepResult

    m = Masker()
    r = StepResult("S1", Status.FAIL, output=Output("key=late-value-1"), diff="-late-value-1",
                   reason="r late-value-1", checks=(Check("c", False, "saw late-value-1"),),
                   notes=("n late-value-1",), command_outputs=("late-value-1",))
    generation = m.generation
    m.add(["late-value-1"])
    assert m.generation > generation
    assert "late-value-1" not in repr(m.result(r))
