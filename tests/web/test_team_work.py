"""Team work on the agents' pages: notes with @mentions, transfer, release, resolve moving on, the
history telling who did what, and the customer's other threads beside the conversation."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from inbox.models import Contact, Conversation, ConversationEvent, Message
from tests.web.test_agents_pages import Desk, csrf_of, log_in


def post(client: FlaskClient, path: str, page: str, **form: str):
    return client.post(path, data={"csrf_token": csrf_of(client, page), **form})


def events_of(desk: Desk, conversation_id: int) -> list[tuple[str, int | None, int | None]]:
    with desk.session() as db:
        rows = db.execute(select(ConversationEvent).where(ConversationEvent.conversation_id == conversation_id)
                          .order_by(ConversationEvent.id)).scalars()
        return [(e.kind, e.agent_id, e.to_agent_id) for e in rows]


def test_a_note_with_a_mention_reaches_the_colleague_and_never_the_customer(desk: Desk, logged_in: FlaskClient) -> None:
    budi = desk.add_agent("budi@toko.id", "Budi Santoso")
    conversation_id = desk.add_conversation("Rina")
    page = f"/conversations/{conversation_id}"
    answer = post(logged_in, f"{page}/notes", page, text="@budi tolong cek resi JNE-nya <b>ya</b>")
    assert answer.status_code == 302
    html = logged_in.get(page).get_data(as_text=True)
    assert "Catatan disimpan; Budi Santoso diberi tahu." in html
    assert "tolong cek resi JNE-nya &lt;b&gt;ya&lt;/b&gt;" in html and "msg-note" in html
    assert desk.outbound(conversation_id) == [] and desk.jobs.jobs == []  # nothing to the customer
    with desk.session() as db:
        note = db.execute(select(ConversationEvent).where(ConversationEvent.kind == "note")).scalar_one()
        assert note.mentions == [budi]

    colleague = desk.app.test_client()
    assert log_in(colleague, "budi@toko.id").status_code == 302
    assert 'data-mentions="1"' in colleague.get("/").get_data(as_text=True)
    mentions = colleague.get("/mentions").get_data(as_text=True)
    assert "tolong cek resi" in mentions and f"/conversations/{conversation_id}" in mentions and "mention-new" in mentions
    assert 'data-mentions=' not in colleague.get("/").get_data(as_text=True)  # seen

    assert "Catatannya kosong" in logged_in.get(
        post(logged_in, f"{page}/notes", page, text="   ").headers["Location"]).get_data(as_text=True)


def test_transfer_and_release_are_for_the_assignee_or_an_admin(desk: Desk, logged_in: FlaskClient) -> None:
    sari = desk.agents["sari@toko.id"]
    budi = desk.add_agent("budi@toko.id", "Budi")
    desk.add_agent("dewi@toko.id", "Dewi")
    conversation_id = desk.add_conversation("Rina")
    page = f"/conversations/{conversation_id}"
    post(logged_in, f"{page}/take", page)
    post(logged_in, f"{page}/transfer", page, agent_id=str(budi))
    assert desk.conversation(conversation_id).assigned_agent_id == budi

    # Dewi (not an admin) cannot move or resolve Budi's conversation.
    dewi = desk.app.test_client()
    log_in(dewi, "dewi@toko.id")
    refused = post(dewi, f"{page}/transfer", page, agent_id=str(sari))
    assert "Agen lain sudah mengambil" in dewi.get(refused.headers["Location"]).get_data(as_text=True)
    post(dewi, f"{page}/release", page)
    assert desk.conversation(conversation_id).assigned_agent_id == budi

    colleague = desk.app.test_client()
    log_in(colleague, "budi@toko.id")
    post(colleague, f"{page}/release", page)
    released = desk.conversation(conversation_id)
    assert released.status == "waiting" and released.assigned_agent_id is None and released.waiting_since
    assert events_of(desk, conversation_id) == [("taken", sari, None), ("transferred", sari, budi), ("released", budi, None)]
    html = logged_in.get(page).get_data(as_text=True)
    assert "Sari mengambil percakapan" in html and "Sari mengalihkan ke Budi" in html
    assert "Budi melepas percakapan ke antrean" in html
    bad = post(logged_in, f"{page}/transfer", page, agent_id="999")
    assert "Pilih agen aktif" in logged_in.get(bad.headers["Location"]).get_data(as_text=True)


def test_resolve_moves_on_to_the_most_urgent_waiting_conversation(desk: Desk, logged_in: FlaskClient) -> None:
    first = desk.add_conversation("Rina")
    desk.add_conversation("Tono")
    urgent = desk.add_conversation("Wati", priority=1)
    page = f"/conversations/{first}"
    answer = post(logged_in, f"{page}/resolve", page)
    assert answer.headers["Location"].endswith(f"/conversations/{urgent}")
    assert desk.conversation(first).status == "resolved"
    assert events_of(desk, first) == [("resolved", desk.agents["sari@toko.id"], None)]
    # The last one resolved stays on its page.
    for conversation_id in (urgent, first + 1):
        post(logged_in, f"/conversations/{conversation_id}/resolve", f"/conversations/{conversation_id}")
    last = post(logged_in, f"/conversations/{first + 1}/resolve", f"/conversations/{first + 1}")
    assert last.headers["Location"].endswith(f"/conversations/{first + 1}")


def test_the_customers_other_threads_are_beside_the_conversation(desk: Desk, logged_in: FlaskClient) -> None:
    whatsapp = desk.add_conversation("Rina", phone="+6281234567890")
    web = desk.add_conversation("Rina web", platform="webchat", phone="+6281234567890")
    stranger = desk.add_conversation("Tono", phone="+6289999999999")
    with desk.session() as db:  # a second thread of the same contact: a comment under a post
        contact_id = db.get_one(Conversation, whatsapp).contact_id
        comment = Conversation(contact_id=contact_id, platform="whatsapp_twilio", chat_id="post-1", thread_key="post-1",
                               thread_kind="comments", status="resolved", flags=[], post={"id": "p1"})
        db.add(comment)
        db.flush()
        comment_id = comment.id
        assert db.get(Contact, contact_id) is not None
    html = logged_in.get(f"/conversations/{whatsapp}").get_data(as_text=True)
    assert f'data-thread="{web}"' in html and f'data-thread="{comment_id}"' in html
    assert f'data-thread="{stranger}"' not in html


def test_agent_replies_carry_the_agents_name_and_orders_read_in_words(desk: Desk, logged_in: FlaskClient) -> None:
    from inbox.models import Order

    conversation_id = desk.add_conversation("Rina", phone="+6281234567890")
    page = f"/conversations/{conversation_id}"
    post(logged_in, f"{page}/reply", page, text="Siap kak, kami cek", client_key="k1")
    with desk.session() as db:
        db.add(Order(number="INV-7", number_key="inv7", customer_phone="+6281234567890", status="shipped", total=1))
        reply = db.execute(select(Message).where(Message.sender_type == "agent")).scalar_one()
        assert reply.agent_id == desk.agents["sari@toko.id"]
    html = logged_in.get(page).get_data(as_text=True)
    assert '<span class="msg-sender">Sari' in html
    assert 'data-status="shipped">Dikirim<' in html


def test_the_bots_suggestion_is_offered_until_an_agent_answers(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Rina", texts=("kirimnya pake apa",))
    with desk.session() as db:
        question = db.execute(select(Message).where(Message.conversation_id == conversation_id)).scalar_one()
        question.suggestion = "Kami kirim pakai JNE & <b>J&T</b> ya kak"
    page = f"/conversations/{conversation_id}"
    html = logged_in.get(page).get_data(as_text=True)
    assert "data-suggestion" in html and 'data-canned-text="Kami kirim pakai JNE &amp; &lt;b&gt;J&amp;T&lt;/b&gt; ya kak"' in html
    post(logged_in, f"{page}/reply", page, text="Pakai JNE kak", client_key="k1")
    assert "data-suggestion" not in logged_in.get(page).get_data(as_text=True)


def test_labels_are_set_on_the_conversation_and_filter_the_queue(desk: Desk, logged_in: FlaskClient) -> None:
    rina = desk.add_conversation("Rina")
    desk.add_conversation("Tono")
    page = f"/conversations/{rina}"
    post(logged_in, f"{page}/labels", page, labels='Retur, COD , "x%", retur, <b>')
    assert desk.conversation(rina).labels == ["retur", "cod"]  # lowercase words, no duplicates, nothing else
    queue = logged_in.get("/?tab=waiting").get_data(as_text=True)
    assert 'data-label="retur"' in queue and '<option value="cod"' in queue
    only_retur = logged_in.get("/?tab=waiting&label=retur").get_data(as_text=True)
    assert "Rina" in only_retur and "Tono" not in only_retur
    assert "Tono" in logged_in.get("/?tab=waiting&label=%22%25").get_data(as_text=True)  # a bad label filters nothing
    post(logged_in, f"{page}/labels", page, labels="")
    assert desk.conversation(rina).labels == []
