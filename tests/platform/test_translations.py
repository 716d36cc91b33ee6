"""Simplified Chinese is complete for our own strings, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "backoffice" / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape")


def _entries(*, with_context: bool = False) -> list:
    text = PO.read_text(encoding="utf-8")
    entries = []
    for chunk in text.split("\n\n"):
        match = re.search(r"^msgid (.*?)^msgstr (.*)", chunk, re.S | re.M)
        if not match or "msgid_plural" in chunk:
            continue
        msgid, msgstr = _unquote(match.group(1)), _unquote(match.group(2))
        context = re.search(r"^msgctxt (.*?)^msgid ", chunk, re.S | re.M)
        if msgid:
            entry = (msgid, msgstr, "#, fuzzy" in chunk)
            if with_context:  # the same msgid may mean two things (签订日期 / 签收日期)
                entry += (_unquote(context.group(1)) if context else None,)
            entries.append(entry)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 50
    assert [m for m, s, _ in entries if not s] == []
    assert [m for m, _, fuzzy in entries if fuzzy] == []
    # An empty plural; `msgstr[0] ""` followed by continuation lines is a long one.
    empty_plural = re.compile(r'^msgstr\[0\] ""\n(?!")', re.M)
    assert not empty_plural.search(PO.read_text(encoding="utf-8")), "an untranslated plural"


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        m
        for m, s, _, context in _entries(with_context=True)
        if (catalogue.pgettext(context, m) if context else catalogue.gettext(m)) != s
    ]
    assert stale == [], "run `make messages` and commit the .mo"


@pytest.mark.parametrize(
    ("english", "chinese"), [("Dashboard", "工作台"), ("Back-office clerk", "销售内勤")]
)
def test_django_serves_the_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
