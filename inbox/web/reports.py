"""/reports (admins): answer times, the bot's share, ratings and the busiest hours; CSV export."""
from __future__ import annotations

import csv
import io

from flask import abort, g, render_template, request
from werkzeug.wrappers import Response

from inbox.models import utcnow
from inbox.reports import WEEKDAYS_ID, Figures, build_report, csv_rows
from inbox.web.agents import _services, bp, login_required, t

PERIODS = (7, 14, 30)


def _period() -> int:
    raw = request.args.get("days", "7")
    return int(raw) if raw.isdigit() and int(raw) in PERIODS else 7


def _admin() -> None:
    if not g.agent.is_admin:
        abort(403, description=t("canned.admin_only"))


@bp.get("/reports")
@login_required
def reports() -> str:
    _admin()
    services = _services()
    days = _period()
    with services.db.session() as db:
        report = build_report(db, utcnow(), days, services.engine.pack.timezone)
    peak = max((max(row) for row in report.busiest), default=0) or 1
    tallest = max((report.by_day[d].conversations for d in report.days if d in report.by_day), default=0) or 1
    weekdays = WEEKDAYS_ID if g.lang == "id" else ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return render_template("reports.html", report=report, days=days, periods=PERIODS, Figures=Figures,
                           peak=peak, tallest=tallest, weekdays=weekdays)


@bp.get("/reports.csv")
@login_required
def reports_csv() -> Response:
    _admin()
    services = _services()
    with services.db.session() as db:
        report = build_report(db, utcnow(), _period(), services.engine.pack.timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv_rows(report):
        writer.writerow(row)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="laporan-{_period()}-hari.csv"'
    return response
