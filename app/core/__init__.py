"""The engine: sources, sampler, history, recorder. Plain Python; never imports Qt."""
