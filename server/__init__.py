"""码上办 server: the Starlette application, storage, QR codes and posters, and the CLI."""
