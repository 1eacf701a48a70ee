import pytest

from borrower_help.privacy import (
    SECRET_KINDS,
    find_sensitive,
    is_valid_resident_id,
    mask,
    normalise,
    passes_luhn,
    secret_kinds,
)

# 11010519491231002X is the GB 11643 standard's own example number.
VALID_ID = "11010519491231002X"
VALID_CARD = "6222020200001234562"  # Luhn-valid, UnionPay-like


def test_resident_id_needs_the_right_check_digit_and_a_real_date():
    assert is_valid_resident_id(VALID_ID)
    assert is_valid_resident_id(VALID_ID.lower())
    assert not is_valid_resident_id("110105194912310021")  # wrong check digit
    assert not is_valid_resident_id("110105194913310025")  # month 13
    assert not is_valid_resident_id("11010519491231002")  # 17 characters


def test_luhn():
    assert passes_luhn(VALID_CARD)
    assert passes_luhn("4111111111111111")
    assert not passes_luhn("4111111111111112")


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"我的身份证号{VALID_ID}过期了", "我的身份证号110***********002X过期了"),
        ("my new number is 13812345678 pls update", "my new number is 138****5678 pls update"),
        ("手机 138 1234 5678", "手机 138****5678"),
        ("手机１３８１２３４５６７８", "手机138****5678"),
        (f"card {VALID_CARD} declined", "card 6222***********4562 declined"),
        ("卡号 4111-1111-1111-1111 扣款失败", "卡号 4111********1111 扣款失败"),
        ("验证码是 ８８３２１０", "验证码是 ******"),
        ("the code is 4432, what now", "the code is ******, what now"),
        ("110105194912310021", "110***********0021"),  # a wrong check digit is still an ID
        ("order 4111111111111112", "order 4111********1112"),  # an account number
        ("my password is abc123!", "my password is ******"),
        ("密码是qwe789", "密码是******"),
        ("call me on +86 138-1234-5678 tomorrow", "call me on +86 138****5678 tomorrow"),
        ("新号码(+86)13912345678，旧号不用了", "新号码(+86 139****5678，旧号不用了"),
        (f"银行卡 {VALID_CARD[:4]} {VALID_CARD[4:8]} {VALID_CARD[8:12]} {VALID_CARD[12:16]} {VALID_CARD[16:]} 扣款失败",
         "银行卡 6222***********4562 扣款失败"),
        ("身份证号１１０１０５１９４９１２３１００２Ｘ", "身份证号110***********002X"),
        ("my verification code: 5 3 9 1 2 0", "my verification code: ******"),
    ],
)
def test_masks_secrets_inside_sentences(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "I owe 12000 yuan since 2023",
        "my password is wrong",
        "I forgot my password",
        "还款 3000 元",
        "I borrowed 5000 on 2026.11.27 and paid 1,250.50",
        "order no. 2024112",  # 7 digits: neither a phone, an ID nor an account
        "I have 3 loans, 2 overdue",
    ],
)
def test_leaves_ordinary_numbers_alone(text):
    assert mask(text) == text
    assert secret_kinds(text) == []


def test_kinds_warned_about_exclude_phone_numbers():
    text = f"ID {VALID_ID}, phone 13812345678, 验证码 123456"
    assert [f.kind for f in find_sensitive(text)] == ["id_number", "phone", "sms_code"]
    assert secret_kinds(text) == ["id_number", "sms_code"]


def test_masking_what_is_masked_changes_nothing():
    once = mask(f"验证码 5678，手机 13812345678，身份证 {VALID_ID}")
    assert mask(once) == once


def test_mask_handles_empty_input():
    assert mask("") == ""
    assert mask(None) is None


# Every form the outside review found kept as typed, and more (issue 12, item 7).
FORMS = [
    ("mobile with dots", "call 139.1234.5678 please", "139.1234.5678", "phone"),
    ("mobile with slashes", "号码139/1234/5678", "139/1234/5678", "phone"),
    ("mobile with underscores", "my no 139_1234_5678", "139_1234_5678", "phone"),
    ("mobile in brackets", "(139)1234-5678 is mine", "(139)1234-5678"[1:], "phone"),
    ("mobile with double spaces", "139  1234  5678 new number", "139  1234  5678", "phone"),
    ("mobile with tabs", "139\t1234\t5678", "139\t1234\t5678", "phone"),
    ("mobile in Chinese numerals", "我的号码是一三九一二三四五六七八", "一三九一二三四五六七八", "phone"),
    ("mobile in Chinese numerals with 幺", "幺三九幺二三四五六七八换了", "幺三九幺二三四五六七八", "phone"),
    ("landline", "公司电话 021-62345678", "021-62345678", "phone"),
    ("15-digit first-generation ID", "老身份证 110105491231002", "110105491231002", "id_number"),
    ("ID with dots", "ID 110105.19491231.002X", "110105.19491231.002X", "id_number"),
    ("ID with a wrong check digit", "身份证110105194912310021", "110105194912310021", "id_number"),
    ("ID with spaces", "110105 1949 1231 002X", "110105 1949 1231 002X", "id_number"),
    ("account number failing Luhn", "account 6222020200001234567", "6222020200001234567", "account_number"),
    ("card in full-width digits", "卡号６２２２０２０２００００１２３４５６２", "６２２２０２０２００００１２３４５６２", "bank_card"),
    ("password after 密码", "密码 wang1988", "wang1988", "password"),
    ("password after 支付密码", "支付密码是778899a", "778899a", "password"),
    ("password after 'password is:'", "my password is: Hunter2!", "Hunter2!", "password"),
    ("long password without digits", "password=correcthorsebattery", "correcthorsebattery", "password"),
    ("code far after the code word", "the code they sent me this morning is 482913", "482913", "sms_code"),
    ("SMS code", "SMS 482913", "482913", "sms_code"),
    ("OTP in Chinese", "收到的短信里的数字是 5521 吗", "5521", "sms_code"),
    ("e-mail", "write to li.wei+loans@example.com.cn", "li.wei+loans@example.com.cn", "email"),
]


@pytest.mark.parametrize("name, text, secret, kind", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_is_found_and_masked(name, text, secret, kind):
    found = find_sensitive(text)
    assert kind in [f.kind for f in found], found
    masked = mask(text)
    assert secret not in masked
    digits = "".join(c for c in normalise(secret) if c.isdigit())
    if len(digits) >= 7:  # no run of the number survives
        assert digits[3:-4] not in "".join(c for c in normalise(masked) if c.isdigit())
    assert mask(masked) == masked  # idempotent
    assert (kind in secret_kinds(text)) == (kind in SECRET_KINDS)
