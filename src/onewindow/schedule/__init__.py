"""The portal's clock: jobs that run on a calendar (daily at 03:00 Tbilisi time), not
because someone did something.

Its own small room, not part of `notifications`: the jobs it starts belong to several
rooms (drafts expiry is the applications room's; reminders are only one of its effects),
and a scheduler that lived inside one of them would have to import the others' jobs,
against the rule that rooms meet only through `services.py` and `selectors.py`. Here
the schedule is one list of task paths (`jobs.SCHEDULE`) and one table of runs.

How it behaves: `manage.py run_schedule` wakes every minute; for each job it works out
the period whose time has come (`jobs.period_key`: the date of the latest 03:00 in
Tbilisi) and claims the pair (job, period) by inserting a `ScheduledRun` row, unique on
both. The claim and the enqueued django-tasks job commit in one transaction, so two
schedulers, or one restarted, never enqueue a period twice; a scheduler that was down for
days enqueues the latest period once when it starts (the jobs catch up by themselves:
drafts expiry deletes everything past its date, whatever day it runs).
"""
