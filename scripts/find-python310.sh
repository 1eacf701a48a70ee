#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (the newest Rasa 3.6 supports),
# looking on PATH, in pyenv, and in uv; prints nothing when there is none.
candidates=(
  "$(command -v python3.10 2>/dev/null)"
  $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 2>/dev/null | sort -V -r)
  "$(uv python find 3.10 2>/dev/null)"
)
for python in "${candidates[@]}"; do
  [ -n "$python" ] || continue
  if "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$python"
    exit 0
  fi
done
exit 0
