"""Russian is a first language: every string exists in both languages, says the same things,
and reads as a Russian shop owner would write it."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

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


def failures(found: dict[str, str]) -> str:
    """Every bad key with what is wrong with it, one per line: one run shows them all."""
    return f"{len(found)} bad key(s):\n" + "\n".join(
        f"  {key}: {why}" for key, why in sorted(found.items())
    )


def test_same_keys_in_both_languages() -> None:
    found = dict.fromkeys(EN_STRINGS.keys() - RU_STRINGS.keys(), "only in en.json")
    found |= dict.fromkeys(RU_STRINGS.keys() - EN_STRINGS.keys(), "only in ru.json")
    assert not found, failures(found)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_placeholders() -> None:
    found = {
        key: f"en {sorted(fields(text))} but ru {sorted(fields(RU_STRINGS[key]))}"
        for key, text in EN_STRINGS.items()
        if key in RU_STRINGS and fields(text) != fields(RU_STRINGS[key])
    }
    assert not found, failures(found)


def russian_problem(text: str) -> str | None:
    bare = IDENTIFIER.sub("", ADDRESS.sub("", PLACEHOLDER.sub("", text)))
    words = re.findall(r"[A-Za-z]+", bare.replace("https", "http"))
    if english := sorted(set(words) - LATIN_ALLOWED):
        return f"English left ({', '.join(english)}) in {text!r}"
    has_words = re.search("[A-Za-zА-Яа-яЁё]", PLACEHOLDER.sub("", text))
    if has_words and set(words) != {"LifePay"} and not re.search("[А-Яа-яЁё]", text):
        return f"no Russian in {text!r}"
    return None


def test_russian_is_russian() -> None:
    found = {key: problem for key, text in RU_STRINGS.items() if (problem := russian_problem(text))}
    assert not found, failures(found)


LOOSE_PUNCTUATION = re.compile(r"(?<!\.)\.\.(?!\.)|[.!?,:;]\s*[.,:;]|\s[.,:;!?]")


def wording_problems(key: str) -> Iterator[str]:
    text = RU_STRINGS[key]
    if "АПИ" in text:
        yield "say API, as LifePay's cabinet does"
    if key.endswith(".state.failed") and "вовремя" not in text.lower():
        # Failed is about time: its window ran out, whether LifePay never answered the tries
        # or Home Assistant was not running to make them.
        yield f"a failed document is one whose time ran out; say so: {text!r}"
    for language, value in (("ru", text), ("en", EN_STRINGS.get(key, ""))):
        if LOOSE_PUNCTUATION.search(value):
            yield f"doubled or loose punctuation ({language}) in {value!r}"


def test_a_shop_owners_wording() -> None:
    found = {
        key: "; ".join(problems) for key in RU_STRINGS if (problems := list(wording_problems(key)))
    }
    assert not found, failures(found)


SENSORS = (
    "x_report_status",
    "open_shift_status",
    "z_report_status",
    "receipt_status",
    "cash_status",
)


def test_every_status_and_problem_has_words() -> None:
    """Each state the sensors can show and each problem the integration can name."""
    from custom_components.lifepay.jobs import JobStatus, Problem  # noqa: PLC0415

    statuses = {status.value for status in JobStatus}
    found = {}
    for name, language in (("en", EN), ("ru", RU)):
        for sensor in SENSORS:
            states = set(language["entity"]["sensor"][sensor]["state"])
            if states != statuses:
                found[f"{name}: entity.sensor.{sensor}.state"] = (
                    f"no words for {sorted(statuses - states)}, "
                    f"words for no status {sorted(states - statuses)}"
                )
        problems = {problem.value for problem in Problem}
        for sensor in SENSORS:
            attribute = language["entity"]["sensor"][sensor]["state_attributes"]["problem"]
            if (shown := set(attribute["state"])) != problems:
                found[f"{name}: entity.sensor.{sensor}.state_attributes.problem.state"] = (
                    f"no words for {sorted(problems - shown)}, "
                    f"words for no problem {sorted(shown - problems)}"
                )
        for problem in Problem:
            if f"problem_{problem.value}" not in language["exceptions"]:
                found[f"{name}: exceptions.problem_{problem.value}"] = "missing"
    assert not found, failures(found)


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


# What a dialog's title bar holds on a 390 px phone, measured in the demo: "Новый фискальный
# принтер" (24) showed as "Новый фискальный п…", "Add a fiscal printer" (20) whole.
TITLE_ROOM = {"en": 24, "ru": 20}


def dialog_titles(tree: object, path: str = "") -> Iterator[tuple[str, str]]:
    """The titles of the steps of every dialog: config, printer, options and repair flows.

    An issue's own title heads a row of the repairs list, which wraps, so it may be longer.
    """
    for key, text in strings(tree, path):
        if key.endswith(".title") and ".step." in key:
            yield key, text


def test_dialog_titles_fit_a_phone() -> None:
    found = {}
    for name, language in (("en", EN), ("ru", RU)):
        for key, title in dialog_titles(language):
            if PLACEHOLDER.search(title):
                found[f"{name}: {key}"] = f"a name in {title!r}: it belongs in the description"
            elif len(title) > TITLE_ROOM[name]:
                found[f"{name}: {key}"] = f"{len(title)} characters: {title!r}"
    assert not found, failures(found)
