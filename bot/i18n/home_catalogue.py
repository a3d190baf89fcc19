"""Messages of the App Home tab, in French and English."""

FR: dict[str, str] = {}

EN: dict[str, str] = {}
