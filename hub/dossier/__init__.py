"""What members read of provider records: timeline, plans, measurements."""
