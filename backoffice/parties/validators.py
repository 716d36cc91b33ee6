from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def uscc_problem(value: str) -> str | None:
    """What is wrong with a unified social credit code (GB 32100-2015), or None."""
    try:
        uscc.validate(value)
    except InvalidLength:
        return _("A unified social credit code has 18 characters; this has %d.") % len(
            uscc.compact(value)
        )
    except InvalidFormat:
        return _("It may only contain digits and the letters A–Y except I, O, S, V and Z.")
    except InvalidComponent:
        return _("Its registration authority or organisation part is not valid.")
    except InvalidChecksum:
        return _("The check character (the 18th) does not match: a character is mistyped.")
    return None


def validate_uscc(value: str) -> None:
    if value and (problem := uscc_problem(value)):
        raise ValidationError(problem, code="invalid_tax_id")
