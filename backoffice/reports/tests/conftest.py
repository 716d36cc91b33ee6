"""The fixtures of the apps whose figures the reports read (decision 0004)."""

from backoffice.materials.tests.conftest import (  # noqa: F401 - fixtures
    brochure,
    keeper,
    office,
    sample,
    warehouse,
)
