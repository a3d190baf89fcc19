"""action_id and callback_id values, shared by the Block Kit builders and the listener registrations."""

from bot.domain.errors import InvalidInput

# Buttons on action messages and cards; their value is team_scoped(team id, action number)
ACTION_MARK_DONE = "pilote.action.done"
ACTION_UPDATE_PROGRESS = "pilote.action.progress"  # opens PROGRESS_MODAL (also a Home row: the number)
ACTION_OPEN_JOURNAL = "pilote.action.journal"

# Buttons of the App Home tab
HOME_NEW_ACTION = "pilote.home.new_action"  # opens NEW_ACTION_MODAL
HOME_RECORD_READING = "pilote.home.record_reading"  # value: an indicator code or ""; opens RECORD_MODAL
HOME_LANGUAGE = "pilote.home.language"  # value: "auto", "fr" or "en"; the language Pilote speaks to the user
HOME_SHOW_MORE = "pilote.home.more"  # value: a section name; republishes the Home tab with more rows

# Modals (callback_id)
NEW_ACTION_MODAL = "pilote.modal.new_action"
PROGRESS_MODAL = "pilote.modal.progress"
RECORD_MODAL = "pilote.modal.record_reading"

# Buttons of alert messages
ALERT_ACK = "pilote.alert.ack"  # value: the alert's outbox key
ALERT_SNOOZE = "pilote.alert.snooze"  # suffixed :1d, :1w or :next; value: "<alert key>|<1d|1w|next>"


# A button on a message can be clicked by a member of another workspace (a channel shared by two
# organisations, Slack Connect): its value carries the workspace its id belongs to.
TEAM_SEPARATOR = "~"


def team_scoped(team_id: str, value: str) -> str:
    """A button value that says which workspace's record it acts on."""
    return f"{team_id}{TEAM_SEPARATOR}{value}"


def in_team(team_id: str, raw: str) -> str:
    """The value of a clicked button, when it acts on the clicker's workspace; InvalidInput if it
    was posted for another one. A value without a team (a Home tab row, an older message) is the
    clicker's own."""
    team, separator, value = raw.partition(TEAM_SEPARATOR)
    if not separator:
        return raw
    if team != team_id:
        raise InvalidInput("error.other_workspace")
    return value
