"""action_id and callback_id values, shared by the Block Kit builders and the listener registrations."""

# Buttons on action messages and cards
ACTION_MARK_DONE = "pilote.action.done"  # value: the action number
ACTION_UPDATE_PROGRESS = "pilote.action.progress"  # value: the action number; opens PROGRESS_MODAL
ACTION_OPEN_JOURNAL = "pilote.action.journal"  # value: the action number

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
