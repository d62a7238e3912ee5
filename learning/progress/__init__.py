"""Progress: what each participant has watched, read and completed.

`rules` holds the completion rules as plain functions; `completion` fetches what the course
rule needs, for one participant or many; `services` writes progress (`ProgressState` is its
one shape) and summarises it for pages; `lookups` finds a course or an item together with the
participant's membership and progress, in one round trip.
"""
