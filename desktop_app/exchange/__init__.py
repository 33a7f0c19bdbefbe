"""Excel in and out: templates for the units, their returns, the register export and import."""
