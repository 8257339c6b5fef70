"""/channels (admins): each channel's state, the webhook URL to give its platform, and the website
chat's one-line embed with this install's own URL filled in."""
from __future__ import annotations

from flask import abort, g, render_template, request

from connectors import CONNECTORS
from inbox.web.agents import _services, bp, login_required, t


@bp.get("/channels")
@login_required
def channels() -> str:
    if not g.agent.is_admin:
        abort(403, description=t("canned.admin_only"))
    services = _services()
    base = (services.settings.public_url or request.host_url).rstrip("/")
    rows = [
        {
            "name": name,
            "platform": CONNECTORS[name].connector.platforms[0],
            "enabled": name in services.connectors,
            "sandbox": name in services.sandbox_channels,
            "reason": services.disabled.get(name, ""),
            "url": f"{base}/webhooks/{name}",
        }
        for name in CONNECTORS
    ]
    embed = (f'<script src="{base}/webhooks/webchat/widget.js" data-title="{services.engine.pack.shop_name}" '
             'data-color="#0f766e" async></script>')
    return render_template("channels.html", rows=rows, embed=embed)
