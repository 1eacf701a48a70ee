import pytest

from actions.privacy import find_sensitive, is_valid_resident_id, mask, passes_luhn, secret_kinds

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
        ("my password is abc123!", "my password is ******"),
        ("密码是qwe789", "密码是******"),
        ("call me on +86 138-1234-5678 tomorrow", "call me on +86 138****5678 tomorrow"),
        ("新号码(+86)13912345678，旧号不用了", "新号码(+86)139****5678，旧号不用了"),
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
        "110105194912310021",  # an 18-digit number with a wrong check digit is not an ID
        "my password is wrong",
        "I forgot my password",
        "还款 3000 元",
        "order 4111111111111112",
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
