"""A real SMTP server for the tests (aiosmtpd): stores each message it accepts as JSON.

Usage: smtp_sink.py PORT DIRECTORY

Each accepted message becomes DIRECTORY/NNNN.json: the envelope (mail_from, rcpt_tos), the
subject, every header, and the text and HTML parts. A recipient listed (one per line) in
DIRECTORY/reject.txt is refused with 550, as a mailbox that does not exist.
"""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller

port, directory = int(sys.argv[1]), sys.argv[2]


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rejected = os.path.join(directory, "reject.txt")
        if os.path.exists(rejected):
            with open(rejected) as f:
                if address in {line.strip() for line in f}:
                    return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "headers": {name: str(value) for name, value in message.items()},
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
        }
        path = os.path.join(directory, f"{self.count:04d}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
finally:
    controller.stop()
