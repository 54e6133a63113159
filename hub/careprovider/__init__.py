"""Care providers: the common record model, adapters, the sync engine and the provider API."""
