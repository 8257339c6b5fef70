"""GET /files/<id>/<signature>: a file an agent sent, for the platform that delivers it.

Public (Twilio, Telegram and Meta fetch it without our cookies), so the URL carries an HMAC of
the id; answered with the same no-script headers as customers' attachments.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, current_app
from werkzeug.wrappers import Response

from inbox.models import StoredFile
from inbox.outbound_files import file_token
from inbox.web.media import MEDIA_HEADERS, shows_inline

bp = Blueprint("files", __name__)


@bp.get("/files/<id:file_id>/<token>")
def sent_file(file_id: int, token: str) -> Response:
    services = current_app.extensions["inbox"]
    if not hmac.compare_digest(token.encode(), file_token(services.settings.secret_key, file_id).encode()):
        return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
    with services.db.session() as db:
        stored = db.get(StoredFile, file_id)
        if stored is None:
            return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
        content, content_type = stored.content, stored.content_type
    response = Response(content, content_type=content_type if shows_inline(content_type) else "application/octet-stream")
    response.headers.update(MEDIA_HEADERS)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # the platforms fetch it
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
