"""Widgets shared by pages: value tiles, time plots."""
