"""The windows of the Excel exchange: the import wizard and the 进度填报 page."""
