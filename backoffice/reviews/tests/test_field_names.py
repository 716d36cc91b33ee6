"""Every field of the reviews' records has a name people read, in Chinese on a Chinese page
(the UI walk found "Closed by" in English)."""

import re

import pytest
from django.apps import apps
from django.utils import translation

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("model", list(apps.get_app_config("reviews").get_models()), ids=str)
def test_each_field_of_a_review_model_reads_in_chinese(model):
    fields = [f for f in model._meta.get_fields() if f.concrete and not f.auto_created]
    with translation.override("zh-hans"):
        english = [f.name for f in fields if not CHINESE.search(str(f.verbose_name))]
    assert english == []
