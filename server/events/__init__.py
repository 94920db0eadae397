"""Live case events: the in-process hub, the SSE frames it fans out, and the stream that replays then follows."""
from server.events.hub import Broker, Filter, Hub, Subscription

__all__ = ["Broker", "Filter", "Hub", "Subscription"]
