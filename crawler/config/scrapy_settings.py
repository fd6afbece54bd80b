"""The types of the Scrapy settings a config may override (``[scrapy]``, a source's ``settings``).

Scrapy reads a setting only when a component needs it, so ``DOWNLOAD_DELAY = "soon"`` would surface
as a traceback deep in a crawl. The settings users tune are typed here and checked at load; any other
upper-case name passes through (Scrapy and its add-ons have hundreds), unless it is one letter or two
away from a known one: then it is a typo. ``tests/config/test_config.py`` checks this table against Scrapy's
own defaults and ``crawler/settings.py``.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from typing_extensions import TypedDict

Seconds = Annotated[StrictFloat, Field(ge=0)]
Positive = Annotated[StrictFloat, Field(gt=0)]
Count = Annotated[StrictInt, Field(ge=0)]
AtLeastOne = Annotated[StrictInt, Field(ge=1)]
Text = Annotated[StrictStr, Field(min_length=1)]
_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _workers(value: Any) -> Any:
    """HOTLINE_EXTRACT_WORKERS: ``"auto"`` or a count of processes (0: extract in the crawl process)."""
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    raise ValueError(f'must be "auto" or a number of processes (0: none), not {value!r}')


TYPES: dict[str, Any] = {
    # politeness
    "DOWNLOAD_DELAY": Seconds,
    "RANDOMIZE_DOWNLOAD_DELAY": StrictBool,
    "ROBOTSTXT_OBEY": StrictBool,
    "USER_AGENT": Text,
    "AUTOTHROTTLE_ENABLED": StrictBool,
    "AUTOTHROTTLE_START_DELAY": Seconds,
    "AUTOTHROTTLE_MAX_DELAY": Seconds,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": Positive,
    "AUTOTHROTTLE_DEBUG": StrictBool,
    "CONCURRENT_REQUESTS": AtLeastOne,
    "CONCURRENT_REQUESTS_PER_DOMAIN": AtLeastOne,
    "CONCURRENT_ITEMS": AtLeastOne,
    "COOKIES_ENABLED": StrictBool,
    "DEFAULT_REQUEST_HEADERS": dict[StrictStr, StrictStr],
    # limits
    "DOWNLOAD_TIMEOUT": Positive,
    "DNS_TIMEOUT": Positive,
    "DOWNLOAD_MAXSIZE": Count,
    "DOWNLOAD_WARNSIZE": Count,
    "REDIRECT_ENABLED": StrictBool,
    "REDIRECT_MAX_TIMES": Count,
    "URLLENGTH_LIMIT": Count,
    "RETRY_ENABLED": StrictBool,
    "RETRY_TIMES": Count,
    "RETRY_HTTP_CODES": list[Annotated[StrictInt, Field(ge=100, le=599)]],
    "HTTPERROR_ALLOWED_CODES": list[Annotated[StrictInt, Field(ge=100, le=599)]],
    "DEPTH_LIMIT": Count,
    "CLOSESPIDER_TIMEOUT": Seconds,
    "CLOSESPIDER_ITEMCOUNT": Count,
    "CLOSESPIDER_PAGECOUNT": Count,
    "CLOSESPIDER_ERRORCOUNT": Count,
    # logging, caches
    "LOG_ENABLED": StrictBool,
    "LOG_LEVEL": Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"],
    "LOGSTATS_INTERVAL": Seconds,
    "HTTPCACHE_ENABLED": StrictBool,
    "TELNETCONSOLE_ENABLED": StrictBool,
    "REMOTE_CONTROL_ENABLED": StrictBool,
    # hotline's own (crawler/settings.py)
    "HOTLINE_RETRY_BACKOFF": Seconds,
    "HOTLINE_RETRY_BACKOFF_MAX": Seconds,
    "HOTLINE_RETRY_AFTER_MAX": Seconds,
    "HOTLINE_FAILURE_BACKOFF": Seconds,
    "HOTLINE_FAILURE_BACKOFF_MAX": Seconds,
    "HOTLINE_FAILURE_MAX_ATTEMPTS": AtLeastOne,
    "HOTLINE_SITEMAP_MAX_AGE_DAYS": Count,
    "HOTLINE_BACKFILL_PAGES": AtLeastOne,
    "HOTLINE_EXTRACT_WORKERS": Annotated[Any, AfterValidator(_workers)],
    "HOTLINE_EXTRACT_INLINE": Count,
    "HOTLINE_RUN_UPDATE_INTERVAL": Positive,
}


def _names(settings: dict[str, Any]) -> dict[str, Any]:
    """Upper-case names only, and none that is a near miss of a typed one (``DOWNLOAD_DELEY``)."""
    for name in settings:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"{name!r} is not a Scrapy setting name (e.g. DOWNLOAD_DELAY)")
        if name not in TYPES:
            close = difflib.get_close_matches(name, TYPES, n=1, cutoff=0.85)
            if close:
                raise ValueError(f"{name!r} is no setting; did you mean {close[0]!r}?")
    return settings


_Typed = TypedDict("_Typed", TYPES, total=False)  # type: ignore[misc]  # names from the table
_Typed.__pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[attr-defined]

# A table of Scrapy settings: the typed ones checked, the rest kept as written.
ScrapySettings = Annotated[_Typed, AfterValidator(_names)]
