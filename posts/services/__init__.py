"""Writes with side effects, one module per concern. Views, the admin, commands and tasks
all call these; nothing else writes these models."""
