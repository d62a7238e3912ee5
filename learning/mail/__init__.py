"""Email through an outbox: every message is a row, written in the transaction that causes it.

`services.queue_mail` writes the row (`models.OutboxMessage`) and, once the transaction
commits, queues the job that sends it (`sending.send_message`): a request that rolls back
sends nothing, and no request waits for a mail server. The job takes the row (pending →
sending, one conditional UPDATE, so two workers never both send it), sends it through SMTP
(`smtp.py`) and marks it sent. A refusal the server says is temporary, or a server that
cannot be reached, leaves the row pending with the server's answer, tried again with
backoff; after `MAIL_MAX_ATTEMPTS` attempts, or at once when the server refuses the address
for good (a 5xx answer), the row is failed with that answer, and an admin may retry it.

Every minute (and when a worker starts) `sending.sweep_outbox` queues pending rows left for
over a minute (a crash between the commit and the queueing loses nothing) and returns to
pending the rows a worker took and never finished (`MAIL_CLAIM_TIMEOUT_SECONDS`, 10
minutes). A worker that died after the server accepted a message but before marking it
sent therefore sends it again: each row keeps one Message-ID, by which mail clients
recognise the duplicate.

With `MAIL_SERVER` unset, rows are still written, and the job marks each one failed with
the reason ("email is off") instead of sending it; in development it writes the message,
links and all, to the log. Facilitators and admins see a notice saying so on every page.
"""
