"""The cooling (thermal) test: idle, load and cooldown phases, their analysis and the verdict."""
