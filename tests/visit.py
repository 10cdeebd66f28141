"""A first view of a page in the browser tests' shared tab (conftest.py: `tab`)."""

import time
from urllib.parse import urlparse

from bench import first_view, transferred

# Bytes each URL sends, as weighed once: the served site does not change during a test run,
# and a body crosses from the browser to this process in base64 (an asset, visit after visit).
SENT: dict[str, int] = {}


class Visit:
    """A first view of a page in the shared tab, with everything it logged and asked for."""

    def __init__(self, tab, base_url, path, scheme="light"):
        self.page, devtools = tab
        self.errors, self.foreign, self.failed, self.requested = [], [], [], []
        self.responses, self.running = [], set()
        host = urlparse(base_url).netloc
        # what an earlier visit stored (Material keeps the chosen palette) is forgotten
        origin = base_url.rstrip("/")
        devtools.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.page.emulate_media(media="screen", color_scheme=scheme)

        def route(route):
            if urlparse(route.request.url).netloc in (host, ""):
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        self.listeners = {
            "console": lambda m: m.type == "error" and self.errors.append(m.text),
            "pageerror": lambda e: self.errors.append(str(e)),
            "request": self.asked,
            "requestfinished": self.finished,
            "requestfailed": self.went_wrong,
            "response": self.responded,
        }
        for event, listener in self.listeners.items():
            self.page.on(event, listener)
        self.route = route
        self.page.route("**/*", route)
        # Every request is routed through this process, so its `request` event comes first: when
        # none is running, every response's event has arrived.
        first_view(self.page, base_url + path, quiet=False)
        deadline = time.monotonic() + 30  # as long as Playwright's own waits
        while self.running and time.monotonic() < deadline:
            self.page.wait_for_timeout(10)
        assert not self.running, f"requests unfinished after 30 s: {[r.url for r in self.running]}"

    def asked(self, request):
        self.requested.append(request.url)
        self.running.add(request)

    def finished(self, request):
        self.running.discard(request)

    def went_wrong(self, request):
        self.finished(request)
        self.failed.append(request.url)

    def responded(self, response):
        self.responses.append(response)
        if response.status >= 400:
            self.failed.append(response.url)

    def weight(self) -> int:
        """Bytes of every response so far, as a gzip-serving host would send them (SENT)."""
        for r in self.responses:
            if r.url not in SENT:
                SENT[r.url] = transferred(r.headers, r.body())
        return sum(SENT[r.url] for r in self.responses)

    def close(self):
        """Stop listening, and leave the page (its requests still running are not its faults)."""
        self.page.unroute("**/*", self.route)
        for event, listener in self.listeners.items():
            self.page.remove_listener(event, listener)
        self.page.goto("about:blank")
