"""Bundled data: default sources and the default topic (the US–China military-communications beat)."""
