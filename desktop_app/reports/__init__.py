"""Printed progress sheets (进度表) as PDF, drawn with reportlab; no Qt and no SQL here."""
