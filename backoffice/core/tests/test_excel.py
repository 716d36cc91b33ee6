import io

import pytest
from openpyxl import load_workbook

from backoffice.accounts.models import Region
from backoffice.core.excel import neutralise, queryset_to_xlsx


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("x")'])
def test_formulas_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_ordinary_values_are_kept():
    assert neutralise("北京医院") == "北京医院"
    assert neutralise(-5) == -5


@pytest.mark.django_db
def test_an_exported_formula_is_text_not_a_formula():
    Region.objects.create(code="evil", name='=HYPERLINK("http://x","click")')
    content = queryset_to_xlsx(Region.objects.all(), fields=["code", "name"])
    cell = load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")
