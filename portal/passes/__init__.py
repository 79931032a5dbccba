"""Personal passes: the QR a person carries on /me or on a printed card, and its tokens."""
