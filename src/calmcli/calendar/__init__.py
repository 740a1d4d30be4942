"""Reminders that fire: the case's events on the user's own calendar server (CalDAV), an
outbox for when it is away, a calendar feed for calendars that only subscribe, and desktop
nudges. Only `server` imports the caldav package, and only when there is something to send."""
