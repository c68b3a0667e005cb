"""The cooperation report: what the agreement's joint work amounted to in a month, a quarter
or a year — counts only, no personal data.

- trainings and exercises held (started in the period), by kind; participants per agency;
- joint operations, each with the number of referrals and cases linked to it;
- facility bookings (active, starting in the period) per facility and per booking agency;
- referrals sent between the two agencies in the period, by direction and current state.

The counts are of the whole province, whoever reads them: the report is the agreement's, and
it names no person (read by Benteng itself, ``Viewer.system``, with the reader's purpose).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, AgencyKind
from benteng.cooperation.models import (
    BookingState,
    FacilityBooking,
    Operation,
    Training,
    TrainingKind,
    TrainingParticipation,
)
from benteng.referrals.models import Referral, ReferralState

MONTH = "bulan"
QUARTER = "triwulan"
YEAR = "tahun"
PURPOSE = "laporan kerja sama"


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int = 1  # the month (1 to 12) or the quarter (1 to 4); 1 for a year

    @property
    def first_day(self) -> datetime.date:
        if self.kind == MONTH:
            return datetime.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        if self.kind == MONTH:
            month = self.number
        elif self.kind == QUARTER:
            month = 3 * self.number
        else:
            month = 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes, start included, end excluded (local time)."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.number:02d}-{self.year}"
        if self.kind == QUARTER:
            return _("Triwulan %(number)d %(year)d") % {"number": self.number, "year": self.year}
        return str(self.year)

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.year}-{self.number:02d}"


@dataclass(frozen=True)
class ReportRow:
    section: str
    item: str
    count: int


def _agency_names() -> dict[str, str]:
    return {agency.kind: agency.short_name for agency in Agency.objects.all()}


def cooperation_report(*, period: ReportPeriod) -> list[ReportRow]:
    """The report's table: one row per count, in reading order."""
    system = Viewer.system(purpose=PURPOSE)
    names = _agency_names()
    first, last = period.first_day, period.last_day
    rows: list[ReportRow] = []

    trainings = Training.objects.visible_to(system).filter(starts_on__range=(first, last))
    section = _("Pelatihan dan latihan bersama")
    by_kind = dict(trainings.values_list("kind").annotate(n=Count("pk")).order_by())
    rows.append(ReportRow(section, _("Jumlah kegiatan"), sum(by_kind.values())))
    for kind, label in TrainingKind.choices:
        rows.append(ReportRow(section, str(label), by_kind.get(kind, 0)))
    participants = (
        TrainingParticipation.objects.visible_to(system)
        .filter(training__in=trainings)
        .values_list("office__agency__kind")
        .annotate(n=Sum("count"))
        .order_by()
    )
    per_agency = dict(participants)
    section = _("Peserta per instansi")
    for kind in (AgencyKind.IMIGRASI, AgencyKind.POLRI):
        rows.append(ReportRow(section, names.get(kind, kind), per_agency.get(kind, 0) or 0))

    operations = list(
        Operation.objects.visible_to(system)
        .filter(starts_on__range=(first, last))
        .annotate(
            referral_count=Count("referrals", distinct=True),
            case_count=Count("cases", distinct=True),
        )
        .order_by("starts_on", "pk")
    )
    section = _("Operasi bersama")
    rows.append(ReportRow(section, _("Jumlah operasi"), len(operations)))
    rows.append(
        ReportRow(
            section,
            _("Rujukan yang dihasilkan"),
            sum(operation.referral_count for operation in operations),
        )
    )
    rows.append(
        ReportRow(
            section,
            _("Kasus yang dihasilkan"),
            sum(operation.case_count for operation in operations),
        )
    )
    for operation in operations:
        rows.append(
            ReportRow(
                section,
                _("%(name)s (%(place)s): rujukan")
                % {"name": operation.name, "place": operation.place},
                operation.referral_count,
            )
        )
        rows.append(
            ReportRow(
                section,
                _("%(name)s (%(place)s): kasus")
                % {"name": operation.name, "place": operation.place},
                operation.case_count,
            )
        )

    start, end = period.bounds()
    bookings = FacilityBooking.objects.visible_to(system).filter(
        state=BookingState.ACTIVE, starts_at__gte=start, starts_at__lt=end
    )
    section = _("Pemesanan fasilitas per fasilitas")
    per_facility = (
        bookings.values_list("facility__name", "facility__owner_office__name")
        .annotate(n=Count("pk"))
        .order_by("facility__owner_office__name", "facility__name")
    )
    rows.append(ReportRow(section, _("Jumlah pemesanan"), bookings.count()))
    for name, owner, count in per_facility:
        rows.append(ReportRow(section, f"{name} ({owner})", count))
    section = _("Pemesanan fasilitas per instansi pemesan")
    per_booker = dict(
        bookings.values_list("office__agency__kind").annotate(n=Count("pk")).order_by()
    )
    for kind in (AgencyKind.IMIGRASI, AgencyKind.POLRI):
        rows.append(ReportRow(section, names.get(kind, kind), per_booker.get(kind, 0)))

    rows += _referral_rows(system, names, start, end)
    return rows


def _referral_rows(
    system: Viewer, names: dict[str, str], start: datetime.datetime, end: datetime.datetime
) -> list[ReportRow]:
    rows = []
    between = (
        Referral.objects.visible_to(system)
        .filter(sent_at__gte=start, sent_at__lt=end)
        .filter(
            Q(
                sender_office__agency__kind=AgencyKind.IMIGRASI,
                receiving_office__agency__kind=AgencyKind.POLRI,
            )
            | Q(
                sender_office__agency__kind=AgencyKind.POLRI,
                receiving_office__agency__kind=AgencyKind.IMIGRASI,
            )
        )
    )
    counts = {
        (sender, state): n
        for sender, state, n in between.values_list("sender_office__agency__kind", "state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for sender, receiver in (
        (AgencyKind.IMIGRASI, AgencyKind.POLRI),
        (AgencyKind.POLRI, AgencyKind.IMIGRASI),
    ):
        section = _("Rujukan %(sender)s → %(receiver)s") % {
            "sender": names.get(sender, sender),
            "receiver": names.get(receiver, receiver),
        }
        rows.append(
            ReportRow(
                section,
                _("Jumlah dikirim"),
                sum(n for (kind, _state), n in counts.items() if kind == sender),
            )
        )
        for state, label in ReferralState.choices:
            rows.append(ReportRow(section, str(label), counts.get((sender, state), 0)))
    return rows
