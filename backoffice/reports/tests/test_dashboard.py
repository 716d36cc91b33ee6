"""The start page's to-dos."""

import pytest

from backoffice.sales.tests.factories import batch_rows


@pytest.mark.django_db
def test_deliveries_not_signed_for_are_in_the_to_dos(client, delivered, clerk):
    from backoffice.sales.services import delivery_ship

    delivery = delivered.deliveries.get()
    delivery_ship(delivery=delivery, by=clerk, tracking_number="SF123", lines=batch_rows(delivery))
    client.force_login(clerk)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "1 delivery is not yet signed for" in page.content.decode()
    listing = client.get("/sales/delivery/?status__exact=shipped")
    assert listing.status_code == 200
