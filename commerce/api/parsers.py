"""The API's one JSON parser: DRF's, refusing bodies no endpoint takes."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any request body the API accepts; far below the recursion limit
# that serializers, idempotency hashing and error rendering would hit.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """Bodies nested deeper than ``MAX_DEPTH`` or holding a NUL character
    (which PostgreSQL cannot store or compare) are a 400, like malformed JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from exc
        refuse_unacceptable(data)
        return data


def refuse_unacceptable(data) -> None:
    """Walk the parsed body without recursion; raise ``ParseError`` at the
    first level past ``MAX_DEPTH`` or the first NUL character."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError("JSON strings may not contain NUL characters.")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
        for key, item in items:
            if key is not None and "\x00" in key:
                raise ParseError("JSON keys may not contain NUL characters.")
            stack.append((item, depth + 1))
