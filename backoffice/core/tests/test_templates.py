"""Unfold's templates the project keeps a copy of (backoffice/templates/unfold/…): each is
Unfold's own but for the change it says, so an upgrade of Unfold that changes one fails here
until the copy is made again from the new one."""

import re
from pathlib import Path

import unfold
from django.conf import settings

OURS = Path(settings.BASE_DIR) / "backoffice" / "templates" / "unfold"
THEIRS = Path(unfold.__file__).parent / "templates" / "unfold"


def test_the_app_list_is_unfolds_with_each_badge_read_only_where_there_is_one():
    ours = (OURS / "helpers" / "app_list.html").read_text()
    theirs = (THEIRS / "helpers" / "app_list.html").read_text()
    ours = re.sub(r"^\{% comment %\}.*?\{% endcomment %\}", "", ours, flags=re.S)
    include = r'\{% include "unfold/helpers/app_list_badge\.html" with item=\1 %\}'
    guarded = r'\{% if "badge" in (\w+) %\}(' + include + r")\{% endif %\}"
    assert len(re.findall(guarded, ours)) == 2
    assert re.sub(guarded, r"\2", ours) == theirs
