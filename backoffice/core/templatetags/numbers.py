"""Numbers in templates as people read them (core.money.format_number):

{% load numbers %}{{ line.unit_price|price }} {{ line.quantity|quantity }} {{ rate|rate }}
"""

from django import template

from backoffice.core.money import format_number

register = template.Library()


@register.filter
def price(value):
    return format_number(value, "price", grouping=True)


@register.filter
def quantity(value):
    return format_number(value, "quantity", grouping=True)


@register.filter
def amount(value):
    return format_number(value, "amount", grouping=True)


@register.filter
def rate(value):
    return format_number(value, "rate")
