"""Open311 GeoReport v2 (with mySociety's service request updates) under ``/open311/v2/``."""
