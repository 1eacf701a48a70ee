from borrower_help.offers import should_offer


def test_offered_once_when_frustrated():
    assert should_offer(["swearing"], ["utter_greet"], [], paused=False)
    assert not should_offer([], ["utter_greet"], [], paused=False)


def test_never_two_offers_in_one_reply():
    assert not should_offer(["failing_twice"], ["utter_offer_human_after_misses"], [], paused=False)
    assert not should_offer(["shouting"], ["utter_handoff_created"], [], paused=False)


def test_not_again_within_three_turns():
    earlier = [["utter_offer_human_frustrated"], ["utter_no_code_steps"]]
    assert not should_offer(["swearing"], ["utter_greet"], earlier, paused=False)
    earlier = [["utter_offer_human_frustrated"], ["a"], ["b"]]
    assert should_offer(["swearing"], ["utter_greet"], earlier, paused=False)


def test_not_while_a_person_has_the_conversation():
    assert not should_offer(["swearing"], [], [], paused=True)
