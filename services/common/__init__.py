"""Infrastructure helpers every service may use: settings, bus, blobs, auth, media, logging."""
