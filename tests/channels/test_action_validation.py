import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import channels  # noqa: F401  (installs the validator)
from channels.action_validation import validate_action_result


def test_installed_on_remote_action():
    assert RemoteAction._validate_action_result is validate_action_result


def test_valid_response_passes():
    response = {"events": [{"event": "slot", "name": "language", "value": "zh"}],
                "responses": [{"response": "utter_greet"}]}
    assert validate_action_result(None, response) is True


@pytest.mark.parametrize("response", [{"events": "not a list"}, {"responses": [1, 2]}])
def test_invalid_response_raises_with_rasa_message(response):
    with pytest.raises(ValidationError) as error:
        validate_action_result(None, response)
    assert "Failed to validate Action server response" in error.value.message
