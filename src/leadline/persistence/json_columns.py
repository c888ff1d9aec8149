"""JSON as the JSON columns store it: one encoder shared by the audit trail and conversions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def json_encoder(default: Callable[[Any], Any] = json.JSONEncoder().default) -> Callable[[Any], str]:
    """``json.dumps(value, default=default)``, with the C encoder made once instead of at each call
    and without the check for cycles (what is stored here is a tree): half the cost of a small dict.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator
        return json.JSONEncoder(default=default).encode
    encode = make(None, default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))
