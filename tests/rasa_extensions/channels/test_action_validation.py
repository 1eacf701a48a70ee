import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_extensions import patches
from rasa_extensions.action_validation import validate_action_result


def test_installed_explicitly_on_remote_action_for_the_rasa_version_it_was_written_for():
    patches.install()
    assert RemoteAction._validate_action_result is validate_action_result


def test_another_rasa_version_refuses_to_be_patched():
    with pytest.raises(patches.WrongRasaVersion):
        patches.install("3.7.0")


def test_valid_response_passes():
    response = {"events": [{"event": "slot", "name": "language", "value": "zh"}],
                "responses": [{"response": "utter_greet"}]}
    assert validate_action_result(None, response) is True


@pytest.mark.parametrize("response", [{"events": "not a list"}, {"responses": [1, 2]}])
def test_invalid_response_raises_with_rasa_message(response):
    with pytest.raises(ValidationError) as error:
        validate_action_result(None, response)
    assert "Failed to validate Action server response" in error.value.message
