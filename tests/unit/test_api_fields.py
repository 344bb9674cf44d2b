"""api.schemas.fields: ids match whole strings; every pattern validator in the schemas does."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from api.schemas import common, devices, members
from api.schemas.fields import device_id, member_id


def pattern_validators():
    """(schema.field, validator) of every Regexp validator of every schema the API loads."""
    found = []
    for module in (common, devices, members):
        for name, schema in vars(module).items():
            if not isinstance(schema, Schema):
                continue
            for field_name, field in schema.fields.items():
                for candidate in (field, getattr(field, "inner", None)):
                    for validator in getattr(candidate, "validators", []):
                        if isinstance(validator, validate.Regexp):
                            found.append(("%s.%s" % (name, field_name), validator))
    return found


def test_the_schemas_have_pattern_validators():
    assert {where for where, _ in pattern_validators()} >= {
        "MEMBER_PATH.member_id", "DEVICE_PATH.device_id",
        "MEMBER_BATCH_GET.ids", "DEVICE_BATCH_GET.ids"}


@pytest.mark.parametrize("suffix", ["\n", "\r", "\r\n", "\x00", " "])
def test_every_pattern_rejects_a_trailing_line_break_or_control(suffix):
    for where, validator in pattern_validators():
        with pytest.raises(ValidationError):
            validator("m-1" + suffix)
            pytest.fail("%s accepted %r" % (where, "m-1" + suffix))


@pytest.mark.parametrize("make, good", [(member_id, "m-000123"), (device_id, "d-phone.01:a")])
def test_ids_match_the_whole_string(make, good):
    field = make()
    assert field.deserialize(good) == good
    for bad in (good + "\n", "\n" + good, good + "\nx", "x" * 64 + "\n", good + "\u2028"):
        with pytest.raises(ValidationError):
            field.deserialize(bad)


def test_a_list_of_ids_checks_every_item():
    ids = fields.List(member_id())
    assert ids.deserialize(["m-1", "m-2"]) == ["m-1", "m-2"]
    with pytest.raises(ValidationError):
        ids.deserialize(["m-1", "m-2\n"])
