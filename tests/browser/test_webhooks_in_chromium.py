"""Webhooks as an administrator runs them, in Debian's Chromium on a 360-px phone.

A police system's receiver refused an event until it was given up; the administrator opens
"Log webhook" from the menu, reads the failed delivery (record id, status, the receiver's
code — no personal data), re-sends it, and sees it delivered once the receiver answers. Then
the administrator subscribes another receiver and is shown its signing secret once.
"""

from __future__ import annotations

import os
import re

import pytest

from benteng.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from benteng.api.webhooks import webhooks_deliver
from benteng.watchlists.models import Watchlist
from tests.api.webhook_factories import police_client, subscribe
from tests.api.webhook_receiver import Receiver
from tests.watchlists.conftest import make_entry

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_resends_a_failed_delivery_and_subscribes_a_receiver(
    open_as, personas, settings, tmp_path
):
    # given: a delivery given up after the receiver answered 500
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 1
    receiver = Receiver(status=500).start()
    try:
        client, _token = police_client()
        subscribe(client, receiver.url)
        entry = make_entry(
            personas.penyidik,
            Watchlist.objects.get(code="polri-perekrut"),
            full_name="Perekrut Rahasia",
        )
        webhooks_deliver()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED
        # when: the administrator opens the log from the menu
        page = open_as(personas.admin)
        page.goto("/")
        page.get_by_text("Menu", exact=True).click()  # collapsed on a phone
        page.get_by_role("link", name="Log webhook").first.click()
        page.wait_for_url("**/admin/api/webhookdelivery/**")
        # then: the failed delivery by ids, status and code; nothing of the person
        row = page.locator("#result_list tbody tr").first
        text = row.inner_text()
        assert f"watchlists.watchlistentry:{entry.pk}" in text
        assert "gagal" in text
        assert "500" in text
        assert "Perekrut Rahasia" not in page.locator("body").inner_text()
        page.screenshot(path=tmp_path / "webhook-log-360.png", full_page=True)
        # when: it is re-sent, and the receiver answers again
        row.locator("input[name=_selected_action]").check()
        page.locator("select[name=action]").select_option("resend")
        page.locator("button[name=index]").click()
        page.locator(".messagelist").wait_for()
        assert "1 pengiriman dijadwalkan untuk dikirim ulang" in (
            page.locator(".messagelist").inner_text()
        )
        receiver.status = 204
        webhooks_deliver()
        page.reload()
        # then
        assert "terkirim" in page.locator("#result_list tbody tr").first.inner_text()
        assert receiver.ids[-1] == f"evt_{delivery.event_id}"
        # when: another receiver is subscribed
        page.goto("/admin/api/webhooksubscription/add/")
        page.locator("select[name=client]").select_option(str(client.pk))
        page.locator("input[name=url]").fill("http://127.0.0.1:9/kedua")
        page.locator("input[value='watchlist.entry_created']").check()
        page.locator("input[name=_save]").click()
        # then: its secret, once
        page.locator(".messagelist").wait_for()
        message = page.locator(".messagelist").inner_text()
        secret = re.search(r"whsec_[A-Za-z0-9+/=]+", message)
        assert secret is not None
        assert "tidak akan ditampilkan lagi" in message
        assert WebhookSubscription.objects.filter(secret=secret.group(0)).exists()
        page.reload()
        assert secret.group(0) not in page.locator("body").inner_text()
        assert page.csp_violations == []
    finally:
        receiver.stop()
