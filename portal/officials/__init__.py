"""Official accounts: ward officials, tracers and province admins."""
