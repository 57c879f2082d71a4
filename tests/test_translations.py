"""Russian is a first language: every string exists in both languages, says the same things,
and reads as a Russian shop owner would write it."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

TRANSLATIONS = Path(__file__).resolve().parents[1] / "custom_components/lifepay/translations"
EN = json.loads((TRANSLATIONS / "en.json").read_text())
RU = json.loads((TRANSLATIONS / "ru.json").read_text())

# Latin words a Russian text may keep: names, protocols, what is printed on the devices.
LATIN_ALLOWED = {"LifePay", "Home", "Assistant", "Cloud", "API", "HTTP", "URL", "X", "Z", "http"}
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # event and field names automations use
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ADDRESS = re.compile(r"\b(?:https?://\S+|\d+\.\d+\.\d+\.\d+\S*|7x+)\b")


def strings(tree: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from strings(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, str):
        yield path, tree


EN_STRINGS = dict(strings(EN))
RU_STRINGS = dict(strings(RU))


def test_same_keys_in_both_languages() -> None:
    assert sorted(EN_STRINGS) == sorted(RU_STRINGS)


@pytest.mark.parametrize("key", sorted(EN_STRINGS))
def test_same_placeholders(key: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(EN_STRINGS[key]) if name}
    assert fields == {
        name for _, name, _, _ in string.Formatter().parse(RU_STRINGS[key]) if name
    }, key


@pytest.mark.parametrize("key", sorted(RU_STRINGS))
def test_russian_is_russian(key: str) -> None:
    text = RU_STRINGS[key]
    bare = IDENTIFIER.sub("", ADDRESS.sub("", PLACEHOLDER.sub("", text)))
    words = re.findall(r"[A-Za-z]+", bare.replace("https", "http"))
    assert set(words) <= LATIN_ALLOWED, f"{key}: English left in {text!r}"
    if re.search("[A-Za-zА-Яа-яЁё]", PLACEHOLDER.sub("", text)) and set(words) != {"LifePay"}:
        assert re.search("[А-Яа-яЁё]", text), f"{key}: no Russian in {text!r}"


@pytest.mark.parametrize("key", sorted(RU_STRINGS))
def test_a_shop_owners_wording(key: str) -> None:
    text = RU_STRINGS[key]
    assert "АПИ" not in text, f"{key}: say API, as LifePay's cabinet does"
    if key.endswith(".state.failed"):  # LifePay got no answer in: it was sent, many times
        assert "отправлен" not in text.lower(), key
    for language, value in (("ru", text), ("en", EN_STRINGS[key])):
        assert not re.search(r"(?<!\.)\.\.(?!\.)|[.!?,:;]\s*[.,:;]|\s[.,:;!?]", value), (
            f"{key} ({language}): doubled or loose punctuation in {value!r}"
        )


def test_every_status_and_problem_has_words() -> None:
    """Each state the sensors can show and each problem the integration can name."""
    from custom_components.lifepay.jobs import JobStatus, Problem  # noqa: PLC0415

    for language in (EN, RU):
        for sensor in ("x_report_status", "open_shift_status", "z_report_status"):
            states = language["entity"]["sensor"][sensor]["state"]
            assert set(states) == {status.value for status in JobStatus}
        for problem in Problem:
            assert f"problem_{problem.value}" in language["exceptions"]


def test_the_blueprint_offers_printers_not_accounts() -> None:
    """Its device filter names the printers' models as the integration writes them (plain
    strings, the same in every language); the account's model is not among them."""
    import yaml  # noqa: PLC0415 - only this test reads YAML

    from custom_components.lifepay.const import (  # noqa: PLC0415
        MODEL_ACCOUNT,
        MODEL_ANY_PRINTER,
        MODEL_PRINTER,
    )

    class BlueprintLoader(yaml.SafeLoader):
        pass

    BlueprintLoader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))
    blueprint = Path(__file__).resolve().parents[1] / "blueprints/automation/lifepay/shop_day.yaml"
    document = yaml.load(blueprint.read_text(), Loader=BlueprintLoader)  # noqa: S506 - SafeLoader
    filters = document["blueprint"]["input"]["printer"]["selector"]["device"]["filter"]
    assert {f["integration"] for f in filters} == {"lifepay"}
    assert {f["model"] for f in filters} == {MODEL_PRINTER, MODEL_ANY_PRINTER}
    assert MODEL_ACCOUNT not in {f["model"] for f in filters}
