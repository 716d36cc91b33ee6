# Amounts in Chinese business documents group thousands with commas (1,096,692.70); Django's
# own zh_Hans format has no separator. The rest comes from Django's zh_Hans formats.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
