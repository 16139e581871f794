"""council-tax-account (R11, G11): council tax / business rates balances online, e-billing.

What it looks for. Council tax and business rates pages ("council tax", "business rates",
"non-domestic rates", "e-billing"; e-GMS subjects "Council tax", "Business rates"; LGSL 56,
57, 58; council tax *benefit* pages are excluded), then for R11 a balance enquiry: a login or
lookup form asking for the account reference with something that authenticates (password,
PIN, postcode, surname), or a link to an online account system (by URL, or "view your
account" leaving the site); for G11 an e-billing registration: a form asking for an e-mail
address and the account, on an e-billing page, or a link to one. Text that only says the
facility exists is reported in ``elements_claimed``. One site finding per outcome.

Why the outcomes ask for it. R11: "Online facilities to be available to allow delivery of
'added value' around online payment facilities, including ability to check Council Tax and
Business Rate balances online or via touch tone telephone dialling." Checklist: "Integrate
financial systems into website and/or automated telephone system." / "Implement
authentication procedures". G11: "Registration for Council Tax and Business Rates e-billing
for Direct Debit payers." Checklist: "Provide facility for e-bill registration." / "Provide
mechanism for verifying customer's identity and payment status." / "Confirmation." G11's
exemptions: "This requirement only applies to councils that are responsible for collecting
Council Tax and Business Rates. Councils not providing this service will need to deep link to
those that do" (LGSL 57 is district/unitary): a county passes through a deep link
(``via_partner``).

Example that passes (R11): "View your council tax account" with a form "Council tax account
number", "Postcode", "PIN".

Example that fails: "Council tax bands and charges" with a table of charges (near-miss: the
charges are information, not the payer's balance).

Known limits. Touch-tone telephone balance lines, the authentication level (T Scheme) and the
e-bill confirmation are not observable. Accounts behind a third-party login are seen as the
link to it.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="council-tax-account",
    code="PO313",
    outcomes=("R11", "G11"),
    scope=("page", "site"),
    tags=("presence", "payments", "revenues"),
    title="Council tax and business rates balances online, and e-billing registration",
)

SPEC = Spec(
    service="council tax and business rates accounts",
    terms=(
        "council tax", "business rates", "non domestic rates", "nndr", "council tax account",
        "view your account", "e billing", "ebilling", "paperless billing",
        "council tax online", "my council tax",
    ),
    exclude=("council tax benefit", "council tax benefits", "housing and council tax benefit",
             "council tax and housing benefit"),
    subjects=("Council tax", "Business rates"),
    lgsl_identity=True,
    elements=(
        Element(
            "balance_enquiry", "an online balance enquiry",
            forms=FormRule(
                fields=(("account number", "account reference", "council tax reference",
                         "reference number", "ratepayer", "account no", "account"),
                        ("password", "pin", "postcode", "date of birth", "surname",
                         "last name", "security")),
                context=("council tax", "business rates", "account", "balance"),
            ),
            links=LinkRule(
                text=("view your account", "view your council tax account", "check your balance",
                      "view your balance", "my council tax account", "online account",
                      "log in to your account", "sign in to your account"),
                url=("myaccount", "my-account", "selfservice", "self-service", "eaccount",
                     "citizenaccess", "ctaxonline", "revenuesonline", "iworld"),
            ),
            claims=("view your council tax account", "view your account balance",
                    "check your balance", "account balance online", "view your account online",
                    "balance online"),
        ),
        Element(
            "ebilling", "e-billing registration",
            forms=FormRule(
                fields=(("email", "e mail"),
                        ("account", "reference", "direct debit", "council tax")),
                context=("e billing", "ebilling", "electronic bill", "electronic bills",
                         "paperless", "bills by email"),
            ),
            links=LinkRule(
                text=("register for e billing", "register for ebilling", "sign up for e billing",
                      "e billing registration", "go paperless", "register for electronic bills"),
                url=("ebilling", "e-billing", "ebill", "paperless"),
            ),
            claims=("register for e billing", "e billing", "ebilling", "paperless billing",
                    "bills by email"),
        ),
    ),
    checks=(
        Check("R11", required=("balance_enquiry",)),
        Check("G11", required=("ebilling",)),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
