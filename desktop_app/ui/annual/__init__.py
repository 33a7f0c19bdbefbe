"""年度清单: the year's list page and its dialogs."""
