import pytest

from kefu.core.masking import mask_free_text, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812341234", "138****1234"), ("", ""), ("10000", "*0000"), ("123", "***")],
)
def test_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_id_number_keeps_first_and_last_four():
    assert mask_id_number("440105198001011234") == "4401**********1234"


@pytest.mark.parametrize(("raw", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李")])
def test_name(raw, masked):
    assert mask_name(raw) == masked


def test_free_text_masks_numbers_ids_and_cards():
    text = "我的号码13812341234，身份证44010519800101123X，银行卡6222021234567890123"
    masked = mask_free_text(text)
    assert "13812341234" not in masked and "138****1234" in masked
    assert "4401**********123X" in masked
    assert "0123" in masked and "622202123456789" not in masked
