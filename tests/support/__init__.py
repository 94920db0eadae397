"""Test support other tests reuse: a real server on a free port, Chromium, fault injection, a harness page."""
