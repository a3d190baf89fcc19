import datetime as dt

from bot.domain.reminders import checkin_reminder_due
from bot.domain.values import Cadence

DUE = dt.date(2026, 10, 31)


def test_monthly_checkin_reminders_back_off_then_stop() -> None:
    days = [
        d
        for d in range(0, 60)
        if checkin_reminder_due(Cadence.MONTH, DUE, sent=0, today=DUE + dt.timedelta(d))
    ]
    assert days[0] == 6  # due + 5 days of grace
    assert not checkin_reminder_due(Cadence.MONTH, DUE, sent=1, today=DUE + dt.timedelta(15))
    assert checkin_reminder_due(Cadence.MONTH, DUE, sent=1, today=DUE + dt.timedelta(16))
    assert checkin_reminder_due(Cadence.MONTH, DUE, sent=2, today=DUE + dt.timedelta(36))
    assert not checkin_reminder_due(Cadence.MONTH, DUE, sent=3, today=DUE + dt.timedelta(365))
