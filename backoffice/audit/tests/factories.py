"""Audit rows for the read side (STYLE §9); every real one comes from `audit_record`."""

import factory
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import UserFactory
from backoffice.audit.models import AuditEvent


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    action = "update"
    model = "accounts.region"
    object_id = "1"
    object_repr = "华北大区"
    changes = factory.LazyFunction(lambda: {"name": ["华北", "华北大区"]})
