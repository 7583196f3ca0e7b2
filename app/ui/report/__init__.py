"""The report's printed form: its pages laid out and drawn with QPainter (PDF and preview images)."""
