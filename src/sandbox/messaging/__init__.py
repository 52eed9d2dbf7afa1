"""The sandbox's messaging: an SMS gateway and an e-mail mailbox, for `make run` and tests.

The portal sends confirmation codes through them as it would through a real SMS provider
and SMTP relay; people trying the demo (and tests) read the codes back over HTTP:

- `POST /sms-gateway/messages` `{to, sender, text}` → 201 `{id}`; `GET /sms-gateway/messages
  ?to=+995…` → the messages, newest first; `GET /sms-gateway/` an HTML outbox.
- An SMTP server on loopback (`python -m sandbox serve --smtp-port 8025`) keeps every
  message it receives; `GET /mailbox/messages?to=…` → JSON, newest first; `GET /mailbox/`
  an HTML mailbox.

Everything is kept in memory, at most `KEPT` messages of each kind.
"""

from __future__ import annotations

from .routes import install
from .store import KEPT, Mail, Messaging, Sms

__all__ = ["KEPT", "Mail", "Messaging", "Sms", "install"]
