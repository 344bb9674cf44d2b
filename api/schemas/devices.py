"""Schemas of the device resources: summary and daily rollups."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import BATCH_MAX_IDS, MoneySchema, PageSchema
from api.schemas.fields import IsoDate, UtcDateTime, device_id


class DevicePathSchema(Schema):
    """The device id in the path."""

    device_id = device_id(required=True)


class DeviceBatchGetSchema(Schema):
    """Device ids to look up at once."""

    ids = fields.List(device_id(), required=True, validate=validate.Length(1, BATCH_MAX_IDS),
                      metadata={"description": "1-%d device ids." % BATCH_MAX_IDS})


class DeviceSummarySchema(Schema):
    """A device's lifetime summary."""

    device_id = fields.String(required=True)
    device_type = fields.String(allow_none=True, metadata={"example": "phone"})
    owner_member_id = fields.String(allow_none=True)
    first_seen = UtcDateTime(allow_none=True)
    last_seen = UtcDateTime(allow_none=True)
    last_app_version = fields.String(allow_none=True)
    last_os = fields.String(allow_none=True)
    last_battery_pct = fields.Float(allow_none=True)
    event_count = fields.Integer(allow_none=True)
    as_of = UtcDateTime(allow_none=True, metadata={
        "description": "The summary is complete through the landing hour starting here."})


class DeviceDaySchema(Schema):
    """A device's rollup of one day."""

    date = IsoDate(required=True)
    device_type = fields.String(allow_none=True)
    owner_member_id = fields.String(allow_none=True)
    event_count = fields.Integer(allow_none=True)
    events_by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    first_event_time = UtcDateTime(allow_none=True)
    last_event_time = UtcDateTime(allow_none=True)
    purchases = fields.Integer(allow_none=True)
    spend = fields.List(fields.Nested(MoneySchema), required=True)
    points_earned = fields.Integer(allow_none=True)
    points_redeemed = fields.Integer(allow_none=True)
    battery_min = fields.Float(allow_none=True)
    last_battery_pct = fields.Float(allow_none=True)
    last_app_version = fields.String(allow_none=True)
    last_os = fields.String(allow_none=True)
    temperature_c_min = fields.Float(allow_none=True)
    temperature_c_max = fields.Float(allow_none=True)
    temperature_c_mean = fields.Float(allow_none=True)
    humidity_pct_min = fields.Float(allow_none=True)
    humidity_pct_max = fields.Float(allow_none=True)
    humidity_pct_mean = fields.Float(allow_none=True)
    foot_traffic_min = fields.Float(allow_none=True)
    foot_traffic_max = fields.Float(allow_none=True)
    foot_traffic_mean = fields.Float(allow_none=True)
    distinct_members = fields.Integer(allow_none=True)


class DeviceDailyPageSchema(PageSchema):
    """One page of a device's daily rollups, newest first."""

    device_id = fields.String(required=True)
    items = fields.List(fields.Nested(DeviceDaySchema), required=True)


class DeviceBatchSchema(Schema):
    """The summaries found, and the ids that have none."""

    items = fields.List(fields.Nested(DeviceSummarySchema), required=True)
    missing_ids = fields.List(fields.String(), required=True)


DEVICE_PATH = DevicePathSchema()
DEVICE_BATCH_GET = DeviceBatchGetSchema()
DEVICE_SUMMARY = DeviceSummarySchema()
DEVICE_DAILY_PAGE = DeviceDailyPageSchema()
DEVICE_BATCH = DeviceBatchSchema()
