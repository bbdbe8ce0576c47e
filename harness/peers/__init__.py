"""What the helpers' contract tests (tests/contracts/) run against: the
asyncio peers, and a bounded runner for coroutines."""
