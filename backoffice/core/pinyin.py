"""Pinyin for search: typing `bjyy` or `beijing` finds 北京医院 (DOMAIN §1).

pypinyin reads words by its phrase dictionary (重庆 chongqing, 长沙 changsha). A name's first
character is read as a surname where the surname reading differs from the common one
(曾 zeng, not ceng; 单 shan, not dan) — customers are named after people and places whose
names start with those characters.
"""

import re
from functools import lru_cache

from django.db.models import Q
from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS

SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "覃": "qin",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "召": "shao",
    "员": "yun",
    "种": "chong",
    "秘": "bi",
    "繁": "po",
    "尉": "yu",
    "翟": "zhai",
    "祭": "zhai",
    "任": "ren",
    "宁": "ning",
    "燕": "yan",
    "长孙": "zhangsun",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "澹台": "tantai",
}


def _syllables(text: str) -> list[str]:
    for length in (2, 1):
        head = text[:length]
        if len(head) == length and head in SURNAMES:
            return [SURNAMES[head], *_reading(text[length:])]
    return _reading(text)


def _reading(text: str) -> list[str]:
    """lazy_pinyin(text), run by run: pypinyin reads each run of Chinese characters on its
    own (its phrases never cross other characters) and keeps the other runs as they are, so
    a run met before (客户, 医院, 北京市) is read once per process, not once per name."""
    runs = _HANS_RUN.split(text)  # other, Chinese, other, …, other
    return [
        syllable
        for index, run in enumerate(runs)
        if run
        for syllable in (_run_reading(run) if index % 2 else (run,))
    ]


# pypinyin's own test of a Chinese character (pypinyin.seg.simpleseg), as runs to split at
_HANS_RUN = re.compile(f"({RE_HANS.pattern.removeprefix('^').removesuffix('$')})")


@lru_cache(maxsize=8192)
def _run_reading(run: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(run, errors="default"))


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials), lowercase without spaces: ('beijingyiyuan', 'bjyy')."""
    words = [w for s in _syllables(text.strip()) for w in re.findall(r"[a-z0-9]+", s.lower())]
    return "".join(words)[:200], "".join(w[0] for w in words)[:100]


def pinyin_match(q: str, *, prefix: str = "") -> Q:
    """The condition that a record's name starts with `q` read as pinyin, whole (`beijing`)
    or by initials (`bjyy`), on the name_pinyin and name_initials that pinyin_keys wrote;
    one that matches nothing when `q` is not plain letters and digits."""
    key = "".join(ch for ch in q.lower() if ch.isalnum())
    if not key or not key.isascii():
        return Q(pk__in=[])
    return Q(**{f"{prefix}name_initials__startswith": key}) | Q(
        **{f"{prefix}name_pinyin__startswith": key}
    )
