"""online-payments (R10): online card payments with an e-mail receipt. Never pays.

What it looks for. Payment pages ("pay online", "payments", "make a payment", "pay for
it"; "pay and display" and staff pay excluded), then: a card payment facility (a form asking
for an amount and what is being paid for, or for card details; or a link to a payment system,
recognised by its host or URL: WorldPay, SECPay, Protx, PayPoint, Civica, Capita, e-pay
services, or "Pay online" leaving the site) and an e-mail receipt (the form asks for an e-mail
address "for your receipt", or the payment pages say a receipt is e-mailed). Optional: a
transaction reference or ID mentioned. One site finding. Nothing is ever submitted: the probe
only reads pages up to the card-entry page.

Why the outcome asks for it. R10: "Online facilities to be available to allow payments to the
council in ways that engender public trust and confidence in local government electronic
payment solutions (e.g. email receipting/proof of payment, supply of automatic transaction ID
numbers)." The notes: "When a payment is made, the council's systems should automatically
generate an electronic payment receipt that is emailed to the customer, including a
transaction ID number." Checklist: "Establish facilities for credit/debit card payments on
website." / "Facilities for customer to request email receipt" / "Generate electronic payment
receipts." The outcome lists services of every tier, so every council is expected to take
payments online.

Example that passes: "Make a payment" with fields "What are you paying for?", "Amount (£)",
"Email address for your receipt", and "You will be given a transaction reference".

Example that fails: "Ways to pay" listing cheque, Post Office and Direct Debit with a phone
number for card payments (near-miss: paying by phone is not paying online).

Known limits. The receipt is judged from what the pages say and ask for: a receipt is only
really seen by paying, which the probe never does. Payment pages behind a login are missed.
"""

from __future__ import annotations

from probes._presence import (
    Check,
    Element,
    FormRule,
    LinkRule,
    PresenceProbe,
    Spec,
    TextRule,
)
from probes.base import ProbeMeta

META = ProbeMeta(
    id="online-payments",
    code="PO312",
    outcomes=("R10",),
    scope=("page", "site"),
    tags=("presence", "payments", "forms"),
    title="Online card payments with an e-mail receipt (never pays)",
)

PAYMENT_HOSTS = (
    "worldpay.com", "secpay.com", "protx.com", "paypoint.net", "civicaepay.co.uk",
    "capitaepay.co.uk", "sagepay.com", "barclaycard.co.uk", "netbanx.com", "datacash.com",
    "securetrading.net", "paymentsense.com", "govtech.co.uk",
)

SPEC = Spec(
    service="online payments",
    terms=(
        "pay online", "payments", "payment", "make a payment", "pay for it", "pay it",
        "pay for it online", "online payments", "pay your", "paying", "pay", "ways to pay",
        "how to pay", "epayments", "e payments", "pay by card",
    ),
    exclude=("pay and display", "pay policy", "equal pay", "pay scales", "pay rates",
             "sick pay", "pay award", "direct payments", "payments to councillors",
             "payments to suppliers", "pay and conditions"),
    elements=(
        Element(
            "card_payment", "online card payment",
            forms=FormRule(
                fields=(("amount", "payment amount", "how much", "amount to pay", "sum",
                         "card number", "cardnumber", "card type", "expiry date"),
                        ("reference", "account", "invoice", "payment for", "paying for",
                         "what are you paying", "fund", "payment type", "card number",
                         "security code", "cv2", "cvv")),
                context=("pay", "payment", "payments"),
            ),
            links=LinkRule(
                text=("pay online", "pay it online", "make a payment online", "online payments",
                      "pay now", "make an online payment", "pay by card",
                      "pay by debit or credit card", "make a payment"),
                hosts=PAYMENT_HOSTS,
                url=("epay", "e-pay", "worldpay", "secpay", "protx", "paypoint", "civicaepay",
                     "capitaepay", "paymentportal", "onlinepayments", "payments."),
            ),
            claims=("pay online", "pay it online", "make a payment online", "payments online",
                    "pay by card online", "online card payments"),
        ),
        Element(
            "email_receipt", "an e-mail receipt",
            text=TextRule(groups=((
                "email receipt", "e mail receipt", "receipt by email", "emailed receipt",
                "email confirmation", "email address for your receipt",
                "receipt will be emailed", "receipt will be sent", "sent an email receipt",
                "email you a receipt", "confirmation email", "emailed to you",
                "receipt by e mail"),)),
            forms=FormRule(fields=(("receipt",), ("email", "e mail")),
                           context=("pay", "payment")),
        ),
        Element(
            "transaction_id", "a transaction reference",
            text=TextRule(groups=((
                "transaction reference", "transaction id", "transaction number",
                "authorisation code", "authorisation number", "payment reference",
                "receipt number"),)),
        ),
    ),
    checks=(Check("R10", required=("card_payment", "email_receipt"),
                  optional=("transaction_id",)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
