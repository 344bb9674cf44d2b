"""Schemas shared by every resource: money, pages, problems, health."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.fields import IsoDate

PAGE_SIZE_DEFAULT = 30
PAGE_SIZE_MAX = 366
BATCH_MAX_IDS = 100


class MoneySchema(Schema):
    """An amount of money: integer cents plus an ISO 4217 currency."""

    amount_cents = fields.Integer(required=True, metadata={"example": 1234})
    currency = fields.String(required=True, metadata={"example": "USD"})


class NoQuerySchema(Schema):
    """No query parameters: any given is rejected."""


class PageQuerySchema(Schema):
    """Paging parameters."""

    page_size = fields.Integer(
        load_default=PAGE_SIZE_DEFAULT,
        validate=validate.Range(1, PAGE_SIZE_MAX),
        metadata={"description": "Items per page (1-%d)." % PAGE_SIZE_MAX},
    )
    page_token = fields.String(
        validate=validate.Length(1, 1024),
        metadata={"description": "next_page_token of the previous page; keep the other "
                                 "parameters unchanged."},
    )


class DailyQuerySchema(PageQuerySchema):
    """Daily rollups between two dates (both inclusive), newest first."""

    start = IsoDate(metadata={"description": "First day (inclusive), YYYY-MM-DD."})
    end = IsoDate(metadata={"description": "Last day (inclusive), YYYY-MM-DD."})

    @validates_schema
    def _start_not_after_end(self, data: dict, **kwargs: object) -> None:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("Must not be after end.", field_name="start")


class PageSchema(Schema):
    """The part of every page after its items."""

    next_page_token = fields.String(
        metadata={"description": "Pass as page_token for the next page; absent on the last."},
    )


class ProblemSchema(Schema):
    """An RFC 9457 problem document (application/problem+json)."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Bad Request"})
    status = fields.Integer(required=True, metadata={"example": 400})
    detail = fields.String(metadata={"example": "Invalid query parameters."})
    instance = fields.String(metadata={"example": "/v1/members/m-1/daily"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per-field messages, by field name (400 only)."},
    )


class HealthSchema(Schema):
    """A health answer."""

    status = fields.String(required=True, metadata={"example": "ok"})


NO_QUERY = NoQuerySchema()
DAILY_QUERY = DailyQuerySchema()
PROBLEM = ProblemSchema()
HEALTH = HealthSchema()
