"""The KickBack lookup API: per-member and per-device answers read from HBase.

``create_app`` is the application factory (``gunicorn 'api:create_app()'``).
"""

from api.app import create_app

__all__ = ["create_app"]
