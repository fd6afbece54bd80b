#!/usr/bin/env sh
# Installs everything the test suite needs on a fresh Debian machine with Python 3.11 and pip, then runs it:
# Debian's newsboat (a real feed reader) and chromium (headless screenshots of the feed pages),
# PostgreSQL (the store tests run against a throwaway cluster too), the project with its test extras,
# ruff, and pytest.
set -eu
cd "$(dirname "$0")/.."
need=""
command -v newsboat >/dev/null 2>&1 || need="$need newsboat"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
# a CJK font, so that the Chinese readouts in the story-page screenshots are drawn as text
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need="$need fonts-noto-cjk"
if [ -n "$need" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
python3 -m pip install -q -e '.[test]'
python3 -m ruff check .
lint-imports --no-cache >/dev/null || lint-imports --no-cache
python3 -m pytest "$@"
