"""A marker for message keys that the code names before it looks them up (pure: no catalogue here)."""


def N_(key: str) -> str:  # noqa: N802 (gettext's name for "mark for extraction, translate later")
    """Return `key` unchanged; `pybabel extract` collects it into the catalogue template."""
    return key


def NN_(key: str) -> str:  # noqa: N802
    """Return `key` unchanged; `pybabel extract` collects it as a message with plural forms (for tn())."""
    return key
