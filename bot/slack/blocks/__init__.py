"""Pure Block Kit builders: domain values in, message and view dicts out."""
