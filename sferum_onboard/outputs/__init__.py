"""Private outputs: reports, class sheets, meeting kits and reminders (they hold names)."""
