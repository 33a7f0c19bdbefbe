"""重点任务: the plan's key tasks in the window."""
