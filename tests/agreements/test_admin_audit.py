"""A clause decides which personal-data fields leave an agency: every change to an agreement,
a clause or what a clause lets go, made in the admin, is in the audit trail."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from benteng.agreements.models import Clause, ClauseRecordType
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import object_type_of

pytestmark = pytest.mark.django_db


def test_a_clause_and_its_record_types_changed_in_the_admin_are_audited(personas):
    # given: an administrator's request, a clause and the record types it lets go
    request = RequestFactory().post("/admin/agreements/clause/1/change/")
    request.user = personas.admin
    clause = Clause.objects.filter(record_types__isnull=False).first()
    kind = clause.record_types.first()
    model_admin = site._registry[Clause]
    # when: the clause's title and one record type's fields are saved
    clause.title = "Pertukaran data untuk pencegahan"
    model_admin.save_model(request, clause, SimpleNamespace(changed_data=["title"]), True)
    kind.fields = kind.fields[:1]
    kind.save()
    formset = SimpleNamespace(
        save=lambda: None,
        new_objects=[],
        changed_objects=[(kind, ["fields"])],
        deleted_objects=[],
    )
    model_admin.save_formset(request, None, formset, True)
    # then: both writes are in the trail, with the fields changed and never the values
    written = AuditEntry.objects.filter(action=AuditAction.UPDATE, purpose="admin")
    assert written.filter(object_type=object_type_of(Clause)).exists()
    entry = written.get(object_type=object_type_of(ClauseRecordType))
    assert entry.object_ids == [str(kind.pk)] or entry.object_ids == [kind.pk]
    assert "Pertukaran data untuk pencegahan" not in str(entry.detail)
