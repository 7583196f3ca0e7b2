"""Readers for the doctor's live facts, one module per kind: driver, toolkits, cuDNN, frameworks,
Python environments and the upkeep and security facts. Each reads from an injectable root, the
environment variables it is given and a command runner, so tests point it at fake trees.
"""
