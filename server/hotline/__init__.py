"""The 12345 hotline exchange: work orders imported from the platform's files, and our results exported back."""
