"""The calendar server, the outbox, the feed and desktop nudges, against a real Radicale."""
