"""A conversation full of personal numbers, then a look at everything the
servers kept: no raw ID, phone, card number or code anywhere in the database
(every table, every column) or in the logs, while the bot still understood."""
import json
import re

import sqlalchemy as sa

from borrower_help.privacy import normalise

VALID_ID = "11010519491231002X"  # the GB 11643 standard's example number
PHONE = "13912345678"
CARD = "6222020200001234562"  # Luhn-valid
CODE = "583920"

MESSAGES = [
    f"hi, my ID number is {VALID_ID} and my credit line is closed",
    "我换了手机号，新号码是 139-1234-5678，验证码一直发到旧号上",
    "还款扣款失败了，卡号 6222 0202 0000 1234 562 怎么办",
    "the code I got is ５８３９２０ can you log in for me",
    "我要转人工",
]


def digits_of(text: str) -> str:
    """Full-width digits to ASCII, spaces and dashes between digits removed."""
    return re.sub(r"(?<=[\dX])[ \-]+(?=[\dX])", "", normalise(text).upper())


def holds(digits: str, secret: str) -> bool:
    """The secret as a number of its own in `digits_of` text: events and logs
    are full of floats (confidences, timestamps) whose 17 digits hold any
    6-digit run by chance."""
    return re.search(rf"(?<![\dX.]){re.escape(secret)}(?![\dX])", digits) is not None


def everything_stored(db_url: str):
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        for table in sa.inspect(engine).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, str):
                        yield table, value
                        try:  # JSON columns: also the decoded strings (\\uff15 ...)
                            yield table, json.dumps(json.loads(value), ensure_ascii=False)
                        except ValueError:
                            pass
    engine.dispose()


def test_a_secret_is_found_as_a_number_not_inside_a_float():
    assert holds(digits_of('{"text": "the code is 583920"}'), CODE) and holds(digits_of("code ５８３９ ２０"), CODE)
    assert holds(digits_of("卡号 6222 0202 0000 1234 562"), CARD)
    assert not holds(digits_of('{"confidence": 0.00583920117}'), CODE)
    assert not holds(digits_of('{"timestamp": 1795846111.583920}'), CODE)


def test_no_raw_number_survives_in_the_database_or_the_logs(servers, sender):
    replies = [servers.say(sender, message) for message in MESSAGES]

    # Understood all the same: warned about the ID and the code, handed over.
    texts = ["\n".join(m.get("text", "") for m in turn) for turn in replies]
    assert re.search(r"(?i)never share|ID number|don't send", texts[0])
    assert "验证码" in texts[3] or re.search(r"(?i)code", texts[3])
    assert any(m.get("custom", {}).get("data", {}).get("handoff") for m in replies[-1])

    secrets_typed = [VALID_ID, PHONE, CARD, CODE]
    leaks = []
    for table, value in everything_stored(servers.db_url):
        digits = digits_of(value)
        for secret in secrets_typed:
            if holds(digits, secret):
                leaks.append((table, secret, value[:120]))
    assert leaks == []

    # The masked forms are what was kept.
    stored = "\n".join(value for _, value in everything_stored(servers.db_url))
    assert "110***********002X" in stored and "139****5678" in stored and "6222***********4562" in stored

    for log in servers.log_dir.glob("*.log"):
        content = digits_of(log.read_text(errors="replace"))
        assert [s for s in secrets_typed if holds(content, s)] == [], f"raw number in {log.name}"
