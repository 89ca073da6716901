"""``manage.py relay_outbox``: deliver outbox rows until stopped (SIGTERM/SIGINT
finish the current batch, then exit); ``--once`` relays what is due and exits."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from commerce.outbox.services import outbox_relay


class Command(BaseCommand):
    help = "Deliver pending outbox messages (a long-running relay, or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Relay what is due, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between sweeps.")
        parser.add_argument("--limit", type=int, default=200, help="Rows per batch.")

    def handle(self, *args, once=False, interval=2.0, limit=200, **options):
        stopping = {"now": False}

        def stop(signum, frame):
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        delivered = 0
        while not stopping["now"]:
            result = outbox_relay(limit=limit)
            delivered += len(result.done)
            if once and result.claimed < limit:
                break
            if result.claimed == limit:
                continue  # more is due: no pause
            slept = 0.0
            while slept < interval and not stopping["now"]:
                time.sleep(0.1)
                slept += 0.1
            close_old_connections()  # a connection past its age or broken is replaced
        self.stdout.write(f"Relayed {delivered} outbox message(s).")
