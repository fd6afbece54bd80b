"""Development tools, off the production path: the fixture-site server and its faults, the demo, fixtures."""
