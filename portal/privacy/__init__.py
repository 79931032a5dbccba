"""Personal data expiry (`flask data purge`) and key rotation (`flask data rotate-key`)."""
