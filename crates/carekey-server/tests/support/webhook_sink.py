"""A webhook receiver for the tests that checks every delivery with the
Standard Webhooks reference library: prints {"port": N} once listening, then
one JSON line per delivery: its id, whether the signature held, the payload
(or that it was refused while down).

It answers 204 to a valid delivery and 400 to an invalid one. POST /down
makes it answer 503 (a receiver that is down) until POST /up."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

WEBHOOK = Webhook(os.environ["WEBHOOK_SECRET"])
STATE = {"down": False}
# Deliveries are handled on threads side by side; print writes a line and its
# newline separately, so unguarded lines can interleave and be lost.
PRINTING = threading.Lock()


def report(entry):
    with PRINTING:
        print(json.dumps(entry), flush=True)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status):
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path in ("/down", "/up"):
            STATE["down"] = self.path == "/down"
            return self.answer(204)
        headers = {name.lower(): value for name, value in self.headers.items()}
        if STATE["down"]:
            report({"id": headers.get("webhook-id"), "refused": True})
            return self.answer(503)
        try:
            payload = WEBHOOK.verify(body, headers)
            valid = True
        except WebhookVerificationError:
            payload = None
            valid = False
        report({"id": headers.get("webhook-id"), "valid": valid, "payload": payload})
        self.answer(204 if valid else 400)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"port": server.server_address[1]}), flush=True)
server.serve_forever()
