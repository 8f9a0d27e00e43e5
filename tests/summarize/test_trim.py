from __future__ import annotations

import pytest

from newsweave.summarize import TrimOptions, trim_sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HARBORVILLE (AP) _ The port authority closed two berths after the storm on Friday.",
            "The port authority closed two berths after the storm on Friday.",
        ),
        (
            "SAN MARCOS, Texas (Reuters) - Volunteers rebuilt the footbridge over the creek.",
            "Volunteers rebuilt the footbridge over the creek.",
        ),
        (
            "GENEVA, Oct. 5 (Xinhua) -- Delegates agreed on a timetable for the next round.",
            "Delegates agreed on a timetable for the next round.",
        ),
        (
            "Valletta (Agencies) - The ferry resumed service after a week of repairs.",
            "The ferry resumed service after a week of repairs.",
        ),
        (
            "However, the inspectors found no fault in the new signalling system.",
            "The inspectors found no fault in the new signalling system.",
        ),
        (
            "But the committee (pictured) rejected the proposal by seven votes to two.",
            "The committee rejected the proposal by seven votes to two.",
        ),
        (
            "``We will rebuild the bridge,'' the mayor said at the town hall.",
            "“We will rebuild the bridge,” the mayor said at the town hall.",
        ),
        # "So far" and "U.N." are not connectives or datelines
        (
            "So far, twelve villages have reported damage to their water supply.",
            "So far, twelve villages have reported damage to their water supply.",
        ),
        (
            "U.N. officials said the convoy reached the town on Sunday.",
            "U.N. officials said the convoy reached the town on Sunday.",
        ),
    ],
)
def test_trim_removes_what_a_summary_can_do_without(text: str, expected: str) -> None:
    assert trim_sentence(text) == expected


def test_attributions_are_kept_unless_asked() -> None:
    text = "The water supply will be restored by Thursday, officials said Tuesday."
    assert trim_sentence(text) == text
    trimmed = trim_sentence(text, TrimOptions(attributions=True))
    assert trimmed == "The water supply will be restored by Thursday."


def test_attribution_of_a_direct_quote_is_never_cut() -> None:
    text = "“The water supply will be restored by Thursday,” officials said Tuesday."
    assert trim_sentence(text, TrimOptions(attributions=True)) == text


def test_a_cut_that_leaves_too_little_is_not_made() -> None:
    text = "However, it failed, according to the ministry."
    assert (
        trim_sentence(text, TrimOptions(attributions=True))
        == "It failed, according to the ministry."
    )


def test_nothing_is_trimmed_when_every_rule_is_off() -> None:
    off = TrimOptions(datelines=False, connectives=False, parentheticals=False)
    text = "LISBON (AP) _ But the tram (line 28) was back in service on Monday."
    assert (
        trim_sentence(text, off)
        == "LISBON (AP) — But the tram (line 28) was back in service on Monday."
    )
