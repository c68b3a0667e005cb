"""The transactional outbox: events about records, written in the same transaction as the change.

A service that changes a record other systems follow publishes an event *inside its own
transaction*, so the event exists exactly when the change does (a rollback removes both)::

    from benteng.outbox.services import publish

    with transaction.atomic():
        referral.state = ReferralState.RECEIVED
        referral.save(update_fields=["state"])
        audit_record_write(viewer=viewer, action=AuditAction.UPDATE, obj=referral, ...)
        publish(
            "referral.state_changed",
            obj_type=Referral,              # the model (or its label, "referrals.referral")
            obj_id=referral.pk,
            data={"state": referral.state, "previous_state": "sent"},
        )

``publish`` refuses to run outside a transaction (``OutboxOutsideTransaction``) and refuses
a kind nobody registered (``UnknownEventKind``). ``data`` is small and holds ids, states and
timestamps only — no names, numbers or notes: the outbox row is read by the delivery worker
for every subscriber. What a subscriber receives about the object itself is projected for
that subscriber, through the access layer, when the event is delivered.

The owning app registers, from its ``AppConfig.ready()``:

- each kind it publishes: ``register_event_kind("referral.created", _("Rujukan dibuat"))``;
- one projector per model it publishes about:
  ``register_projector(Referral, project_referrals)`` where
  ``project_referrals(viewer, ids) -> {id: dict}`` returns the objects of ``ids`` the viewer
  may see (``Referral.objects.visible_to(viewer)``), each as the JSON-ready fields
  ``visible_fields(viewer, obj)`` allows; an id left out is not visible to that viewer and is
  not sent. ``benteng/watchlists/events.py`` is the working example.

Delivery (fan-out to subscribers, signatures, retries, order per subscriber) is the API
layer's: ``benteng/api/webhooks.py``.
"""
