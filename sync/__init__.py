"""The conflict-tolerant queue, Python side: clock, mutation application, merge rules, pull. No web framework."""
