"""The live engine in use: the sampler, its history, alerts, and the live session the front ends share."""
