"""Messages of threshold alerts, in French and English."""

FR: dict[str, str] = {
    "alert.alert": ":red_circle: *Alerte* — *{code}* ({name}) vaut *{value}* pour {period} : {crossed}.",
    "alert.warning": ":large_orange_circle: *Vigilance* — *{code}* ({name}) vaut *{value}* pour {period} : {crossed}.",
    "alert.resolved": ":large_green_circle: *Retour à la normale* — *{code}* ({name}) vaut *{value}* pour {period}.",
    "alert.resolved_to_warning": ":large_orange_circle: *Sortie d'alerte* — *{code}* ({name}) vaut *{value}* pour {period}, encore sous surveillance : {crossed}.",
    "alert.closed": ":white_check_mark: ~Alerte~ levée — *{code}* ({name}) : {value} pour {period} ; depuis, {now_value} pour {now_period}.",
    "alert.below": "sous le {level} ({threshold})",
    "alert.above": "au-dessus du {level} ({threshold})",
    "alert.level.alert": "seuil d'alerte",
    "alert.level.warning": "seuil de vigilance",
    "alert.context": "Cible : {target} · saisi par {who} · vous en êtes responsable. `/kpi show {code}` pour l'historique.",
    "alert.no_target": "aucune",
}

EN: dict[str, str] = {
    "alert.alert": ":red_circle: *Alert* — *{code}* ({name}) is *{value}* for {period}: {crossed}.",
    "alert.warning": ":large_orange_circle: *Warning* — *{code}* ({name}) is *{value}* for {period}: {crossed}.",
    "alert.resolved": ":large_green_circle: *Back to normal* — *{code}* ({name}) is *{value}* for {period}.",
    "alert.resolved_to_warning": ":large_orange_circle: *Out of alert* — *{code}* ({name}) is *{value}* for {period}, still to watch: {crossed}.",
    "alert.closed": ":white_check_mark: ~Alert~ resolved — *{code}* ({name}): {value} for {period}; since then, {now_value} for {now_period}.",
    "alert.below": "below the {level} ({threshold})",
    "alert.above": "above the {level} ({threshold})",
    "alert.level.alert": "alert threshold",
    "alert.level.warning": "warning threshold",
    "alert.context": "Target: {target} · recorded by {who} · you own this indicator. `/kpi show {code}` for the history.",
    "alert.no_target": "none",
}
