"""Rules files are validated against their owner's schema, whoever reads them first."""
import pytest

from pipeline import rules

SCHEMA = {"type": "object", "required": ["units"],
          "properties": {"units": {"type": "array", "items": {"type": "string"}}}}


def test_invalid_file_fails_with_its_path(tmp_path, monkeypatch):
    (tmp_path / "units.yaml").write_text("units: [件, 3]\n", encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    with pytest.raises(rules.RulesError, match=r"units\.yaml: invalid at units/1"):
        rules.load("units", SCHEMA)


def test_read_without_schema_first_is_still_validated_by_the_owner(tmp_path, monkeypatch):
    (tmp_path / "units2.yaml").write_text("unit: [件]\n", encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    assert rules.load("units2") == {"unit": ["件"]}       # a reader that passes no schema
    with pytest.raises(rules.RulesError, match="'units' is a required property"):
        rules.load("units2", SCHEMA)                       # the owner's load validates it


def test_broken_yaml(tmp_path, monkeypatch):
    (tmp_path / "units3.yaml").write_text("units: [件\n", encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    with pytest.raises(rules.RulesError, match="not valid YAML"):
        rules.load("units3", SCHEMA)
