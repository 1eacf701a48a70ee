"""Check action-server responses with one compiled validator.

Rasa 3.6 checks every action-server response with `jsonschema.validate()`,
which first validates Rasa's own response schema against the JSON Schema
meta-schema — on every call. Measured under load that is 19 ms of CPU per
call and two thirds of the Rasa server's time (docs/benchmarks.md), because
this bot calls the action server on every message. The same schema is checked
here once; each response is validated against it as before, with the same
error (jsonschema's best match) and the same message.
"""
import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


__all__ = ["validate_action_result", "ValidationError"]
