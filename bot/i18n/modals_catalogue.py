"""Messages of modals and buttons, in French and English."""

FR: dict[str, str] = {}

EN: dict[str, str] = {}
