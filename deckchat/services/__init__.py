"""What the API and the CLI both call: one function per thing a user can do."""
