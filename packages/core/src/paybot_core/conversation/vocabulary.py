"""Word lists the rules parser uses. Kept apart so they can grow without touching the rules.

STOPWORDS are words that do not occur as people's names in practice; a message made only of
name-like words none of which is a stopword is taken as a bare name. Words that are both
(Bill, Will, May, Mark, Rose, Grace) are deliberately absent.
"""

from __future__ import annotations

GREETINGS = frozenset(
    {"hi", "hello", "hey", "hiya", "howdy", "greetings", "morning", "afternoon", "evening", "yo", "hallo", "hola"}
)

STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't dont down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm im i've id if in into is isn't it it's its
itself let's lets me more most mustn't my myself no nor not of off on once only or other ought our ours
ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that that's
the their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when
when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves
pay paying paid payment payments pays bill bills invoice account balance amount total due owe owing
charge card cards credit debit money cash dollars dollar bucks euros euro pounds cents price cost fee fees
want wanna need needs like would love please pls plz thanks thank thx ty cheers kindly
make making made do doing done get getting give go going gonna help start started starting begin settle
hi hello hey hiya howdy greetings morning afternoon evening good great fine ok okay okey sure yes yeah yep
yup nope nah nothing everything something anything anyone someone
ready here there now today tomorrow yesterday later soon just actually really maybe perhaps probably
right wrong correct true false sorry excuse pardon well oh ah um uh hmm
cancel stop quit abort exit restart reset change update edit fix new old another different other same
name names called call number numbers code expiry expiration date security cvv cvc
what which who how why when where whatever
know think guess mean understand see tell ask said say
bot robot assistant agent human person operator representative customer support service
online website phone chat message text email
up down in out off on over under again back
am is are was were be been being
test testing asdf
""".split()
)

# Words that may surround a command without making it something else: "please cancel the payment".
COMMAND_FILLER = frozenset(
    """
please pls plz just i i'd id i'll i'm im want wanna would like to the a this that it my our your payment
transaction order session conversation chat whole everything all now right away can could you we let's
lets me us do go ok okay actually no yes so then and thanks thank really simply instead
""".split()
)

CANCEL_WORDS = frozenset({"cancel", "stop", "quit", "abort", "exit", "nevermind", "cancelled", "canceled"})
CANCEL_PHRASES = ("never mind", "forget it", "forget about it", "don't want to pay", "dont want to pay")

RESTART_WORDS = frozenset({"restart", "reset"})
RESTART_PHRASES = ("start over", "start again", "begin again", "from the beginning", "from scratch", "start afresh")

HELP_WORDS = frozenset({"help", "?", "huh", "confused"})
HELP_PHRASES = (
    "what do you need",
    "what should i do",
    "what do i do",
    "how does this work",
    "i don't understand",
    "i dont understand",
    "what does that mean",
    "what do you mean",
)

# An explicit yes: at least one strong word, every other word harmless, no negation anywhere.
AFFIRM_STRONG = frozenset(
    """
yes y yeah yea yep yup ya sure ok okay k confirm confirmed confirming proceed correct right absolutely
definitely certainly charge approve approved agree agreed affirmative pay submit continue
""".split()
)
AFFIRM_WEAK = frozenset(
    """
please go ahead do it that's thats that is all good fine looks sounds perfect great me the card now i
i'd id want would like to let's lets make payment you can it's its yes, alright thank thanks so much
exactly indeed of course
""".split()
)
AFFIRM_PHRASES = ("go ahead", "do it", "sounds good", "looks good", "that's right", "thats right", "of course")

NEGATIONS = frozenset(
    """
no nope nah n not don't dont do'nt never wait hold un unconfirmed wrong incorrect isn't isnt doesn't
doesnt cancel stop later hmm maybe perhaps unsure without
""".split()
)
DENY_STRONG = frozenset({"no", "nope", "nah", "n", "not", "don't", "dont", "wrong", "incorrect", "wait", "hold"})
DENY_WEAK = frozenset(
    """
yet that's thats that it is isn't isnt right correct on a second minute moment please sorry actually
quite i'm im sure thanks thank you just hang
""".split()
)

CHANGE_VERBS = frozenset(
    """
change changing update correct fix edit replace switch different another new other wrong use modify
""".split()
)
CARD_TARGETS = frozenset({"card", "cards", "method"})
NAME_TARGETS = frozenset({"name"})
AMOUNT_TARGETS = frozenset({"amount", "sum", "total", "price"})

PAY_WORDS = frozenset({"pay", "payment", "bill", "invoice", "settle", "owe", "balance"})

CURRENCY_SYMBOLS = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
CURRENCY_WORDS = {
    "dollar": "usd",
    "dollars": "usd",
    "bucks": "usd",
    "usd": "usd",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "gbp": "gbp",
    "cad": "cad",
    "aud": "aud",
    "yen": "jpy",
    "jpy": "jpy",
}
# Currencies without minor units (Stripe's zero-decimal list, the common ones).
ZERO_DECIMAL_CURRENCIES = frozenset({"jpy", "krw", "vnd", "clp", "pyg", "isk", "ugx", "xaf", "xof"})
