"""The cluster serves many conversations at once: every replica takes a share, every turn lands
in PostgreSQL once and in order, and one conversation's messages wait for each other (Redis)."""

from __future__ import annotations

import threading
import uuid

import pytest
import socketio
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from backcare.replies import AREA_PHRASES, STAGE_PHRASES
from launcher.cluster import Cluster
from launcher.stores import AtomicRedisLockStore

from ..e2e.browser import chromium, missing_browser
from .support import Answer, in_parallel, post, slots, stored_events, user_texts

AREAS = ("lower_back", "upper_back", "neck_shoulders")


def weeks_stage(weeks: int) -> str:
    return "trimester_1" if weeks <= 13 else "trimester_2" if weeks <= 27 else "trimester_3"


def script(area: str, weeks: int) -> list[str]:
    """A conversation whose second message is its own (area and weeks), so cross-talk shows in
    the stored messages, the answer and the `body_areas` and `stage` slots."""
    return [
        "hi",
        f"my {AREA_PHRASES[area]} hurts and I'm {weeks} weeks pregnant",
        "more exercises",
        "why does it hurt?",
        "thanks, bye",
    ]


def converse(base_url: str, sender: str, messages: list[str]) -> list[Answer]:
    return [post(base_url, sender, text) for text in messages]


def test_twenty_conversations_at_once_use_both_replicas_and_are_stored_whole(
    cluster: Cluster,
) -> None:
    run = uuid.uuid4().hex[:8]
    # weeks 8 to 38, each conversation its own: every trimester, with every area
    plans = [
        (f"scale-{run}-{number}", AREAS[number % len(AREAS)], 8 + 30 * number // 19)
        for number in range(20)
    ]
    results = in_parallel(
        [
            lambda sender=sender, area=area, weeks=weeks: converse(
                cluster.url, sender, script(area, weeks)
            )
            for sender, area, weeks in plans
        ]
    )
    served_by = set()
    for (sender, area, weeks), answers in zip(plans, results, strict=True):
        assert [answer.status for answer in answers] == [200] * 5, sender
        assert all(answer.messages for answer in answers), sender
        served_by |= {answer.replica_port for answer in answers}
        # the exercise answer is about this conversation's own area and stage
        advice = answers[1].text
        assert AREA_PHRASES[area] in advice and STAGE_PHRASES[weeks_stage(weeks)] in advice
        events = stored_events(cluster, sender)
        assert user_texts(events) == script(area, weeks)  # none lost, doubled or reordered
        stored = slots(events)
        assert stored["body_areas"] == [area]
        assert stored["stage"] == weeks_stage(weeks)
    assert served_by == set(cluster.rasa_ports)


def test_two_messages_of_one_conversation_at_once_on_two_replicas_take_turns(
    cluster: Cluster,
) -> None:
    """Sent at the same moment, straight to different replicas: the Redis lock makes the second
    wait until the first is saved, so the tracker holds both turns whole, one after the other."""
    first_text = "my lower back hurts and I'm 30 weeks pregnant"
    second_text = "how do I do wall angels?"
    for attempt in range(3):
        sender = f"lock-{uuid.uuid4().hex[:8]}-{attempt}"
        assert post(cluster.url, sender, "hi").status == 200
        barrier = threading.Barrier(2)

        def send_at_once(
            replica_url: str, text: str, sender: str = sender, barrier: threading.Barrier = barrier
        ) -> Answer:
            barrier.wait()
            return post(replica_url, sender, text)

        lower_back, wall_angels = in_parallel(
            [
                lambda: send_at_once(cluster.replica_urls[0], first_text),
                lambda: send_at_once(cluster.replica_urls[1], second_text),
            ]
        )
        assert lower_back.status == wall_angels.status == 200
        assert "lower back" in lower_back.text.lower()
        assert "wall angel" in wall_angels.text.lower()
        events = stored_events(cluster, sender)
        texts = user_texts(events)
        assert texts[0] == "hi" and sorted(texts[1:]) == sorted([first_text, second_text])
        # one turn after the other: every event of the turn handled first was written before
        # the second message was even read (its user event is stamped when Rasa reads it)
        second_user = max(index for index, event in enumerate(events) if event["event"] == "user")
        assert events[second_user - 1]["event"] == "action"
        assert events[second_user - 1]["name"] == "action_listen"
        stamps = [event["timestamp"] for event in events]
        assert stamps == sorted(stamps)


def test_tickets_taken_at_the_same_moment_by_many_processes_are_all_different(
    cluster: Cluster,
) -> None:
    """The lock store the replicas use, on the cluster's Redis, one client per thread as in
    separate processes: 200 tickets taken at once for one conversation are 200 different
    ones, and once all are given back the lock is gone."""
    conversation = f"tickets-{uuid.uuid4().hex[:8]}"
    stores = [
        AtomicRedisLockStore(
            host=cluster.host, port=cluster.redis_port, password=cluster.redis_password
        )
        for _ in range(20)
    ]
    start = threading.Barrier(len(stores))

    def take_tickets(store: AtomicRedisLockStore) -> list[int]:
        start.wait()
        return [store.issue_ticket(conversation, lock_lifetime=60) for _ in range(10)]

    taken = in_parallel([lambda store=store: take_tickets(store) for store in stores])
    tickets = [ticket for batch in taken for ticket in batch]
    assert sorted(tickets) == list(range(200))
    in_parallel(
        [
            lambda store=store, batch=batch: [store.cleanup(conversation, t) for t in batch]
            for store, batch in zip(stores, taken, strict=True)
        ]
    )
    assert stores[0].get_lock(conversation) is None


def test_the_widgets_socketio_path_works_through_nginx(cluster: Cluster) -> None:
    """Four widget sessions at once: each gets its own answers over socket.io long-polling,
    with the page's origin as nginx serves it (/chat/)."""
    page = cluster.page_origins[0]

    def chat(number: int) -> list[dict]:
        client = socketio.Client()
        answers: list[dict] = []
        confirmed = threading.Event()
        answered = threading.Event()
        client.on("session_confirm", lambda *_: confirmed.set())
        client.on("bot_uttered", lambda data: (answers.append(data), answered.set()))
        client.connect(cluster.url, headers={"Origin": page}, transports=["polling"])
        try:
            session = f"widget-{uuid.uuid4().hex[:8]}-{number}"
            client.emit("session_request", {"session_id": session})
            assert confirmed.wait(30), "no session_confirm"
            area = AREAS[number % len(AREAS)]
            message = f"my {AREA_PHRASES[area]} hurts and I'm 20 weeks pregnant"
            client.emit("user_uttered", {"message": message, "session_id": session})
            assert answered.wait(60), "no answer over socket.io"
            client.sleep(2)  # the rest of the answer
        finally:
            client.disconnect()
        return answers

    for number, answers in enumerate(in_parallel([lambda n=n: chat(n) for n in range(4)])):
        text = "\n".join(answer.get("text", "") for answer in answers)
        assert AREA_PHRASES[AREAS[number % len(AREAS)]] in text


@pytest.mark.browser
@pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))
def test_the_widget_page_chats_through_nginx_in_a_browser(cluster: Cluster) -> None:
    """The page as nginx serves it, in headless Chromium, talking to the cluster."""
    with chromium() as driver:
        driver.get(f"{cluster.url}/chat/?server={cluster.url}")
        box = WebDriverWait(driver, 60).until(EC.element_to_be_clickable((By.ID, "message-input")))
        box.send_keys("my upper back hurts and I'm 20 weeks pregnant", Keys.ENTER)
        WebDriverWait(driver, 60).until(
            lambda d: any(
                "upper back" in bubble.text
                for bubble in d.find_elements(By.CSS_SELECTOR, ".msg-bot .bubble")
            )
        )
