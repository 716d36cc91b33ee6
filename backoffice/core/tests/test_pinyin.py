import pytest
from pypinyin import lazy_pinyin

from backoffice.core.pinyin import _reading, pinyin_keys


@pytest.mark.parametrize(
    "text",
    [
        "客户00001号",
        "北京协和医院",
        "重庆市第一人民医院（东院）",
        "长沙 ABC 大药房-2号",
        "〇号㐀",
        "abc",
        "",
        "  ",
        "（北京）重庆",
    ],
)
def test_a_name_is_read_run_by_run_as_pypinyin_reads_it_whole(text):
    assert _reading(text) == lazy_pinyin(text, errors="default")


def test_keys():
    assert pinyin_keys("北京医院") == ("beijingyiyuan", "bjyy")
    assert pinyin_keys("曾氏药房") == ("zengshiyaofang", "zsyf")
