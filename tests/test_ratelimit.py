"""The token bucket behind the public write limits."""
from server.ratelimit import RateLimiter


def test_bucket_allows_a_burst_then_one_per_interval():
    now = [0.0]
    limiter = RateLimiter(limit=3, window_s=60, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == 20.0
    assert limiter.take("b") == 0
    now[0] = 20.0
    assert limiter.take("a") == 0
    assert limiter.take("a") > 0


def test_taking_many_at_once_counts_each():
    limiter = RateLimiter(limit=5, window_s=50, clock=lambda: 0.0)
    assert limiter.take("a", 4) == 0
    assert limiter.take("a", 2) == 10.0
