"""Archived report packs for the read side (STYLE §9); real ones come from `report_pack_build`."""

from datetime import date

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from backoffice.reports.models import ReportPack


class ReportPackFactory(DjangoModelFactory):
    class Meta:
        model = ReportPack

    kind = "daily"
    period_start = factory.Sequence(lambda n: date.fromordinal(date(2026, 1, 1).toordinal() + n))
    period_end = factory.SelfAttribute("period_start")
    label = factory.LazyAttribute(lambda o: o.period_start.isoformat())
    pdf = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n", name="pack.pdf"))
    xlsx = factory.LazyFunction(lambda: ContentFile(b"PK\x03\x04", name="pack.xlsx"))
