"""Writes of the materials catalog and its locations (issue 17 §1–2)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required, require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.services import model_save
from backoffice.materials.models import Location, MaterialItem

ITEM_FIELDS = {
    "code",
    "name",
    "kind",
    "specification",
    "unit",
    "is_batch_tracked",
    "reorder_level",
    "is_active",
}
LEDGER_FIELDS = ("stock_quantity", "stock_value", "unit_cost")


def _saved(instance: Any, by: Actor) -> Any:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(extra={"fields": exc.message_dict}) from exc
    return model_save(instance=instance, by=by, validate=False)


@transaction.atomic
def item_save(*, by: Actor, item: MaterialItem | None = None, **data: Any) -> MaterialItem:
    """Create or change an item of the catalog; its stock figures are the ledger's, and
    whether it is batch-tracked is fixed once it has moved."""
    require_perm(by, "materials.change_materialitem" if item else "materials.add_materialitem")
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: [_("unknown field")] for name in unknown}})
    item = item or MaterialItem()
    if item.pk:
        # the stock figures are the ledger's: taken from the row, locked, never from a
        # form's copy read before a movement
        current = MaterialItem.objects.select_for_update().get(pk=item.pk)
        for name in LEDGER_FIELDS:
            setattr(item, name, getattr(current, name))
    if (
        item.pk
        and "is_batch_tracked" in data
        and data["is_batch_tracked"] != item.is_batch_tracked
        and item.moves.exists()
    ):
        raise ValidationFailed(
            extra={"fields": {"is_batch_tracked": [_("fixed once the item has moved")]}}
        )
    for name, value in data.items():
        setattr(item, name, value)
    item.name_pinyin, item.name_initials = pinyin_keys(item.name)
    return _saved(item, by)


@permission_required("materials.add_location")
@transaction.atomic
def location_create(
    *, by: Actor, code: str, name: str, kind: str, holder: Any = None, region: Any = None
) -> Location:
    if kind == Location.Kind.BAG and holder is not None and region is None:
        region = holder.regions.order_by("pk").first()
    return _saved(
        Location(code=code.strip(), name=name.strip(), kind=kind, holder=holder, region=region),
        by,
    )


def bag_of(user: Any, *, by: Actor) -> Location:
    """A rep's own bag, made the first time something is put in it (inside the caller's
    transaction: whoever puts it there needs no right to add locations)."""
    bag = Location.objects.filter(holder=user).first()
    if bag is None:
        try:
            with transaction.atomic():  # two first issues to a rep at once: one bag
                bag = model_save(instance=_new_bag(user), by=by)
        except IntegrityError:
            bag = Location.objects.get(holder=user)
    if not bag.is_active:
        raise ValidationFailed(_("%(rep)s's bag is closed.") % {"rep": user})
    return bag


def _new_bag(user: Any) -> Location:
    return Location(
        code=f"BAG-{user.pk}",  # a user's id: unique, whatever the length of the name
        # master data, in the company's language like its other names
        name=f"{user.full_name or user.username}的样品包",
        kind=Location.Kind.BAG,
        holder=user,
        region=user.regions.order_by("pk").first(),
    )
