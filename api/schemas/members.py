"""Schemas of the member resources: summary, devices, daily rollups, events."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import BATCH_MAX_IDS, MoneySchema, PageQuerySchema, PageSchema
from api.schemas.fields import IsoDate, UtcDateTime, member_id
from mapreduce.contract import MEMBER_EVENT_TYPES



class MemberPathSchema(Schema):
    """The member id in the path."""

    member_id = member_id(required=True)


class MemberEventsQuerySchema(PageQuerySchema):
    """A member's events between two times (start inclusive, end exclusive)."""

    start = UtcDateTime(metadata={"description": "Earliest event time (inclusive), "
                                                 "ISO 8601 with offset."})
    end = UtcDateTime(metadata={"description": "Latest event time (exclusive), "
                                               "ISO 8601 with offset."})
    event_type = fields.String(
        data_key="type",
        validate=validate.OneOf(MEMBER_EVENT_TYPES),
        metadata={"description": "Only events of this type."},
    )

    @validates_schema
    def _start_before_end(self, data: dict, **kwargs: object) -> None:
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError("Must be before end.", field_name="start")


class MemberBatchGetSchema(Schema):
    """Member ids to look up at once."""

    ids = fields.List(member_id(), required=True, validate=validate.Length(1, BATCH_MAX_IDS),
                      metadata={"description": "1-%d member ids." % BATCH_MAX_IDS})


class MemberSummarySchema(Schema):
    """A member's lifetime summary."""

    member_id = fields.String(required=True)
    points_balance = fields.Integer(allow_none=True)
    points_earned = fields.Integer(allow_none=True)
    points_redeemed = fields.Integer(allow_none=True)
    lifetime_spend = fields.List(fields.Nested(MoneySchema), required=True,
                                 metadata={"description": "Spend per currency."})
    first_seen = UtcDateTime(allow_none=True)
    last_seen = UtcDateTime(allow_none=True)
    device_count = fields.Integer(allow_none=True)
    as_of = UtcDateTime(allow_none=True, metadata={
        "description": "The summary is complete through the landing hour starting here."})


class MemberDeviceSchema(Schema):
    """One device of a member."""

    device_id = fields.String(required=True)
    device_type = fields.String(allow_none=True)
    last_seen = UtcDateTime(allow_none=True)


class MemberDevicesSchema(Schema):
    """A member's devices, most recently seen first."""

    member_id = fields.String(required=True)
    as_of = UtcDateTime(allow_none=True)
    devices = fields.List(fields.Nested(MemberDeviceSchema), required=True)


class DeviceLastEventSchema(Schema):
    """A device a member used on a day, and when last."""

    device_id = fields.String(required=True)
    last_event_time = UtcDateTime(allow_none=True)


class MemberDaySchema(Schema):
    """A member's rollup of one day."""

    date = IsoDate(required=True)
    purchases = fields.Integer(allow_none=True)
    spend = fields.List(fields.Nested(MoneySchema), required=True)
    points_earned = fields.Integer(allow_none=True)
    points_redeemed = fields.Integer(allow_none=True)
    redemptions = fields.Integer(allow_none=True)
    checkins = fields.Integer(allow_none=True)
    distinct_devices = fields.Integer(allow_none=True)
    distinct_merchants = fields.Integer(allow_none=True)
    distinct_stores = fields.Integer(allow_none=True)
    devices = fields.List(fields.Nested(DeviceLastEventSchema), required=True)
    first_event_time = UtcDateTime(allow_none=True)
    last_event_time = UtcDateTime(allow_none=True)


class MemberDailyPageSchema(PageSchema):
    """One page of a member's daily rollups, newest first."""

    member_id = fields.String(required=True)
    items = fields.List(fields.Nested(MemberDaySchema), required=True)


class MemberEventSchema(Schema):
    """A purchase, redemption or check-in."""

    event_id = fields.String(required=True)
    event_type = fields.String(allow_none=True, metadata={"example": "purchase"})
    event_time = UtcDateTime(required=True)
    device_id = fields.String(allow_none=True)
    merchant_id = fields.String(allow_none=True)
    store_id = fields.String(allow_none=True)
    amount = fields.Nested(MoneySchema, allow_none=True,
                           metadata={"description": "Purchases only."})
    points = fields.Integer(allow_none=True)


class MemberEventsPageSchema(PageSchema):
    """One page of a member's events, newest first."""

    member_id = fields.String(required=True)
    items = fields.List(fields.Nested(MemberEventSchema), required=True)


class MemberBatchSchema(Schema):
    """The summaries found, and the ids that have none."""

    items = fields.List(fields.Nested(MemberSummarySchema), required=True)
    missing_ids = fields.List(fields.String(), required=True)


MEMBER_PATH = MemberPathSchema()
MEMBER_EVENTS_QUERY = MemberEventsQuerySchema()
MEMBER_BATCH_GET = MemberBatchGetSchema()
MEMBER_SUMMARY = MemberSummarySchema()
MEMBER_DEVICES = MemberDevicesSchema()
MEMBER_DAILY_PAGE = MemberDailyPageSchema()
MEMBER_EVENTS_PAGE = MemberEventsPageSchema()
MEMBER_BATCH = MemberBatchSchema()
