"""One module per report section: each turns the engine's records into its part of the document."""
