"""Active probes: they act on the site (submit a listed form, read a mailbox), so they run in
their own stage, off by default, and only do what the site profile allows.

- :mod:`probes.active.submit`: submits the forms a profile lists, with its payload and test
  marker, refusing CAPTCHA, login and payment forms and anything not listed.
- :mod:`probes.active.mailbox`: a loopback SMTP sink (aiosmtpd) for tests and an IMAP reader
  for real mailboxes.
- :mod:`probes.active.reference`: finds reference numbers in acknowledgement pages and emails.
"""
