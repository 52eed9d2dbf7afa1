"""The data exchange with agencies: signed messages, the message and data-access logs."""
