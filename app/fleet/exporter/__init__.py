"""`aiwm serve`: the engine's newest readings as a Prometheus endpoint with dcgm-exporter's names.

`names` turns the metric catalog's names into Prometheus names, `latest` keeps the newest sample of
each source for the scrape, `collector` builds the metric families from them at scrape time, and
`server` parses `--listen` and starts prometheus_client's HTTP(S) server.
"""
