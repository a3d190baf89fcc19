"""Pure domain rules: no Slack, no SQL, no drawing."""
