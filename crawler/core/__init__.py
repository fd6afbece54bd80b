"""The pure core: bytes, text, trees and records in; records out. No Scrapy, no SQL, no IO."""
