"""Limit password guessing without making anyone wait on a server thread.

The old login slept one second after a wrong password: 30 parallel guesses then held every worker
thread and every other user's page took ~5 s (issue 19). Now a wrong password is answered at once,
and the limiter only counts: after `free_failures` wrong passwords from one client, that client is
locked out (answer 429 with Retry-After, the password is not even checked) for `base_lock` seconds,
doubling with each further failure up to `max_lock`. A global window catches guessing from many
addresses: more than `global_failures` failures within `global_window` seconds lock the login for
everyone for `global_lock` seconds (people already logged in are not affected).
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass
class ClientRecord:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginLimiter:
    """Counts failed logins per client and in total; `retry_after` says how long a client must wait.

    clock: a monotonic time source (tests move it forward instead of waiting).
    """

    def __init__(self, free_failures: int = 5, base_lock: float = 30.0, max_lock: float = 3600.0,
                 global_failures: int = 100, global_window: float = 600.0, global_lock: float = 60.0,
                 forget_after: float = 24 * 3600.0, max_clients: int = 10_000, clock=time.monotonic):
        self.free_failures = free_failures
        self.base_lock = base_lock
        self.max_lock = max_lock
        self.global_failures = global_failures
        self.global_window = global_window
        self.global_lock = global_lock
        self.forget_after = forget_after
        self.max_clients = max_clients
        self.clock = clock
        self._lock = threading.Lock()
        self._clients: OrderedDict[str, ClientRecord] = OrderedDict()
        self._recent: deque[float] = deque()
        self._global_until = 0.0

    def _record(self, client: str, now: float) -> ClientRecord:
        record = self._clients.get(client)
        if record is None or now - record.last > self.forget_after:
            record = ClientRecord()
        self._clients[client] = record
        self._clients.move_to_end(client)
        while len(self._clients) > self.max_clients:  # many addresses: the global window still counts them
            self._clients.popitem(last=False)
        return record

    def retry_after(self, client: str) -> int:
        """Whole seconds until `client` may try a password again; 0 when it may now."""
        with self._lock:
            now = self.clock()
            record = self._clients.get(client)
            wait = max(self._global_until - now, (record.locked_until - now) if record else 0.0, 0.0)
        return math.ceil(wait)

    def failed(self, client: str) -> int:
        """Count a wrong password; returns the seconds this client now has to wait (0 = none yet)."""
        with self._lock:
            now = self.clock()
            record = self._record(client, now)
            record.failures += 1
            record.last = now
            if record.failures >= self.free_failures:
                lock = min(self.max_lock, self.base_lock * 2 ** (record.failures - self.free_failures))
                record.locked_until = now + lock
            self._recent.append(now)
            while self._recent and self._recent[0] < now - self.global_window:
                self._recent.popleft()
            if len(self._recent) >= self.global_failures:
                self._global_until = now + self.global_lock
            wait = max(self._global_until - now, record.locked_until - now, 0.0)
        return math.ceil(wait)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)
