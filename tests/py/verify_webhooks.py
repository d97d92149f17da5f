"""Verifies webhook deliveries with the reference `standardwebhooks` library.

Reads {"secret": ..., "messages": [{"headers": {...}, "body": "..."}]} on stdin and prints, for
each message, whether it verifies as received and whether a tampered copy (one byte of the body
changed) is refused, as JSON: [{"verified": bool, "tampered_refused": bool}, ...].
"""

import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

request = json.load(sys.stdin)
hook = Webhook(request["secret"])
results = []
for message in request["messages"]:
    try:
        hook.verify(message["body"], message["headers"])
        verified = True
    except WebhookVerificationError:
        verified = False
    tampered = message["body"].replace("{", "{ ", 1)
    try:
        hook.verify(tampered, message["headers"])
        tampered_refused = False
    except WebhookVerificationError:
        tampered_refused = True
    results.append({"verified": verified, "tampered_refused": tampered_refused})
print(json.dumps(results))
