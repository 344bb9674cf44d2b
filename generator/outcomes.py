"""The outcome names of the input contract, in its checking order."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

VALID = "valid"
DUPLICATE = "duplicate"
OVERSIZE = "oversize"
MALFORMED = "malformed"
MISSING_FIELD = "missing_field"
BAD_VALUE = "bad_value"
BAD_TIMESTAMP = "bad_timestamp"
BLANK = "blank"

# Rejection reasons in the order the contract checks them.
REJECT_REASONS = (OVERSIZE, MALFORMED, MISSING_FIELD, BAD_VALUE, BAD_TIMESTAMP)
# Every outcome a generated line can have (blank lines are not counted by
# the pipeline, but the generator records them).
OUTCOMES = (VALID, DUPLICATE, *REJECT_REASONS, BLANK)

MAX_LINE_BYTES = 65_536
