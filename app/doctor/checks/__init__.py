"""The doctor's checks, one module per subject; each returns findings for one set of facts."""
