import pytest

from borrower_help.language import detect_language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I changed my phone number and can't repay", "en"),
        ("身份证过期了开不了借呗", "zh"),
        ("我的APP登不上", "zh"),
        ("ID过期了 怎么办", "zh"),
        ("身份证 expired 了 怎么 renew", "zh"),
        ("my 花呗 won't open after I changed number", "en"),
        ("is 借呗 down today", "en"),
        ("好", "zh"),
    ],
)
def test_script_decides_the_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "yes", "1", "👍👍", "???", "", "   ", None, "/affirm", "/deny"])
def test_undecided_text_keeps_the_conversation_language(text):
    assert detect_language(text) is None

