"""项目库: the project register (shared model, filters, grouping, the page)."""
