"""The Gantt view (甘特图): a painted chart over the register model, after KDAB's KGantt split."""
