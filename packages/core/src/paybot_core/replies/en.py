"""English messages. Data only: `{name}` fields are filled by `replies.render`; a key ending in
"@speech" is the wording for a voice (amounts in words, no formats to read). Every key here must
exist in every other locale's catalogue with the same fields (`tests/unit/test_replies.py`)."""

MESSAGES = {
    # ---------------------------------------------------------------- opening and prompts
    "opening.amount": "Hi! I can help you pay {amount}{for_reference}.",
    "opening": "Hi! I can help you make a payment{for_reference}.",
    "opening.partial": "Hi! I can help you pay {amount}{for_reference}: all of it, or a part of at least "
    "{minimum}.",
    "for_reference": " for {reference}",
    "for_description": " for {description}",
    "opening.description": " ({description})",
    "prompt.account": "What is your account number?",
    "prompt.account@speech": "Please key in your account number, then press pound.",
    "prompt.name": "What is the name on the card?",
    "prompt.amount": "How much would you like to pay?",
    "prompt.amount.partial": "Would you like to pay the full {amount}, or a part of it (at least {minimum})?",
    "prompt.card_number": "Please enter your card number.",
    "prompt.expiry": "What is the card's expiry date (MM/YY)?",
    "prompt.cvv.front": "And the {digits}-digit security code on the front of the card?",
    "prompt.cvv.back": "And the {digits}-digit security code on the back of the card?",
    "prompt.cvv.front@speech": "And the {digits} digit security code on the front of the card, then press pound.",
    "prompt.cvv.back@speech": "And the {digits} digit security code on the back of the card, then press pound.",
    "prompt.payment_method": "Please enter your card details in the secure card form.",
    "prompt.receipt_email": "Would you like a receipt by email? Type your email address, or say no.",
    "prompt.confirmation": "To confirm: {name} pays {amount}{for_reference} with the {card}. "
    "Shall I make the payment? (yes or no)",
    "prompt.confirmation.partial": "To confirm: {name} pays {amount} of the {due} due{for_reference} with the "
    "{card}, leaving {left} to pay. Shall I make the payment? (yes or no)",
    "card": "{brand} ending {last4}",
    "card.unknown": "card",
    "list.and": " and ",
    "brands.none": "no cards",
    # ---------------------------------------------------------------- what happened
    "accepted.name": "Thanks, {name}.",
    "accepted.amount": "Got it: {amount}.",
    "accepted.amount.partial": "Got it: {amount} now, and {left} will still be due.",
    "accepted.card": "Thanks, I have your {card}.",
    "amount_locked": "The amount of {amount} was set by the merchant and can't be changed here.",
    "use_secure_form": "For your security, please don't type card numbers into the chat; I haven't kept it. "
    "Use the secure card form instead.",
    "not_understood": "Sorry, I didn't catch that.",
    "greeting": "Happy to help.",
    "ask_what_to_change": "No problem. What would you like to change: the name, the amount or the card? "
    "You can also say cancel.",
    "nothing_to_change": "All right, nothing changes.",
    "need_yes_or_no": "I'll only make the payment with a clear yes. Say no to change something, or cancel to stop.",
    "card_cleared": "OK, let's use a different card.",
    "number_first": "Let's start with the card number.",
    "account_first": "First I need your account number.",
    "confirm_amount": "Did you mean {amount}? (yes or no)",
    "amount_not_taken": "OK, let's get the amount right.",
    "receipt_requested": "Thanks: your receipt is on its way to {email}.",
    "receipt_declined": "OK, no receipt. Your confirmation reference is {reference}.",
    "continued_on_web": "Here is where you left off on the phone: let's finish your payment on the web.",
    "receipt_given_up": "I couldn't read an email address, so I won't send a receipt. "
    "Your confirmation reference is {reference}.",
    "paid": "Payment successful: {amount} paid{with_card}. Your confirmation reference is {reference}. Thank you!",
    "paid@speech": "Payment successful: {amount} paid{with_card}. Your confirmation code is {reference}. Thank you!",
    "with_card": " with the {card}",
    "paid.left": "{left} is still due{for_reference}.",
    "payment_failed": "{reason} Nothing was charged. Please try another card ({tries_left}).",
    "left.one": "1 try left",
    "left.many": "{left} tries left",
    "payment_failed@speech": "{reason} Nothing was charged. You can try another card: you have {left_words} "
    "more {attempts}.",
    "attempts.one": "attempt",
    "attempts.many": "attempts",
    "needs_authentication": "Your bank needs you to verify this payment. "
    "Please complete the verification step, then I'll check the result.",
    "processing": "Your payment is still processing. Send any message to check on it.",
    "gateway_unavailable": "I couldn't reach the payment processor just now. Say yes to try again: "
    "you will never be charged twice for this payment.",
    "gateway_unavailable@speech": "I couldn't reach the payment processor just now. You can try again: "
    "you will never be charged twice for this payment.",
    # A charge went to the processor, then the turn failed before its outcome was kept: it may have
    # gone through. Sending yes again is safe (same idempotency key), and tells the payer which.
    "payment_unconfirmed": "I couldn't confirm your payment just now, and it may have gone through. "
    "Please say yes again in a moment to find out: you will never be charged twice for this payment.",
    # The processor left the last allowed "yes" unanswered: no charge is sent again until someone checks.
    "payment_unconfirmed.stopped": "Sorry, we could not confirm the payment, and it may have gone through, "
    "so I won't send it again. Please check with us before paying another way: {contact}.",
    "payment_unconfirmed.stopped@speech": "Sorry, we could not confirm the payment. An agent will check "
    "whether it went through before anything else is done.",
    "too_many_attempts": "Sorry, that's too many tries at the {what}, so I've closed this payment. "
    "Nothing was charged. You can pay another way: {contact}, or start a new payment.",
    "too_many_attempts@speech": "Sorry, that's too many tries at the {what}, so I've closed this payment. "
    "Nothing was charged. An agent can help you pay another way.",
    "too_many_payment_attempts": "{reason} That was the last payment attempt for this session, and nothing was "
    "charged. Please pay another way: {contact}.",
    "too_many_payment_attempts@speech": "{reason} That was the last payment attempt for this session, and "
    "nothing was charged. An agent can help you pay another way.",
    "payment_not_possible": "{reason} Trying again would not change that, so I've closed this payment. "
    "Please pay another way: {contact}.",
    "payment_not_possible@speech": "{reason} Trying again would not change that. An agent can help you.",
    "too_many_turns": "This conversation has gone on too long, so I've closed it. "
    "Nothing was charged. Please start a new payment.",
    "cancelled": "OK, I've cancelled this payment. Nothing was charged. To pay later, start a new payment.",
    "restarted": "Let's start over.",
    "expired": "This payment session expired after being idle, and any card details were deleted. "
    "Nothing was charged. Please start a new payment.",
    "closed.completed": "This payment is already complete (reference {reference}); nothing more will be "
    "charged. To make another payment, start a new one.",
    "closed": "This payment session is {status} and nothing more can happen in it. "
    "Start a new payment to try again.",
    "status.failed": "failed",
    "status.cancelled": "cancelled",
    "status.expired": "expired",
    "status.completed": "completed",
    "payment_method_rejected": "I couldn't use that card; please enter it again.",
    "tries_left.one": " (1 try left.)",
    "tries_left.many": " ({left} tries left.)",
    "tries_left.one@speech": " You have one try left.",
    "tries_left.many@speech": " You have {left_words} tries left.",
    # ---------------------------------------------------------------- field words
    "field.account": "account number",
    "field.name": "name",
    "field.amount": "amount",
    "field.card_number": "card number",
    "field.expiry": "expiry date",
    "field.cvv": "security code",
    "field.payment_method": "card details",
    "field.confirmation": "confirmation",
    "field.receipt_email": "email address",
    "field.other": "details",
    # ---------------------------------------------------------------- declines (the sentences per code are in declines.py)
    "decline.other": "The payment did not go through.",
    # ---------------------------------------------------------------- invalid answers
    "invalid.account.not_found": "I couldn't find an account with that number.",
    "invalid.account.card_number": "That looks like a card number. Please give your account number instead.",
    "invalid.account.card_number@speech": "That sounds like a card number. Please key your account number "
    "instead.",
    "invalid.name.invalid_characters": "A name can only have letters, spaces, apostrophes, hyphens and periods.",
    "invalid.name.too_long": "That name is longer than 100 characters.",
    "invalid.name.too_short": "A name needs at least two letters.",
    "invalid.amount.not_positive": "The amount must be more than zero.",
    "invalid.amount.negative": "The amount must be more than zero; a negative amount can't be paid.",
    "invalid.amount.too_many_decimals": "Amounts can have at most two decimal places.",
    "invalid.amount.unreadable": "I couldn't read that as an amount; try something like 50 or $50.00.",
    "invalid.amount.other_currency": "This payment is in {session_currency}, so I can't take an amount in {other}.",
    "invalid.amount.over_max": "The most I can take in one payment is {amount}.",
    "invalid.amount.over_due": "That's more than the {amount} due; you can pay at most {amount}.",
    "invalid.amount.under_minimum": "The smallest part you can pay is {minimum}.",
    "invalid.amount.share_without_due": "Please tell me the amount itself, like 50 or $50.00, not a share of it.",
    "currency": "{name} ({code})",
    "currency.other": "another currency",
    "invalid.card_number.too_short": "A card number has 13 to 19 digits.",
    "invalid.card_number.too_long": "A card number has 13 to 19 digits.",
    "invalid.card_number.too_short@speech": "A card number has thirteen to nineteen digits.",
    "invalid.card_number.too_long@speech": "A card number has thirteen to nineteen digits.",
    "invalid.card_number.checksum": "That card number isn't valid; please check the digits.",
    "invalid.card_number.unknown_brand": "I don't recognise that type of card.",
    "invalid.card_number.wrong_length": "That number has the wrong number of digits for its card type.",
    "invalid.expiry.format": "Please give the expiry date as MM/YY, for example 08/29.",
    "invalid.expiry.format@speech": "Please key in the expiry date as four digits, month then year: for "
    "example, zero eight two nine for August twenty twenty-nine.",
    "invalid.expiry.bad_month": "The month of an expiry date is between 01 and 12.",
    "invalid.expiry.bad_month@speech": "The month of an expiry date is between zero one and twelve.",
    "invalid.expiry.expired": "That expiry date has passed, so the card has expired.",
    "invalid.expiry.too_far": "That expiry date is too far in the future.",
    "invalid.payment_method.expired_card": "That card has expired.",
    "invalid.brand_not_accepted": "Sorry, we accept {brands} only.",
    "invalid.cvv": "The security code for this card is {digits} digits.",
    "invalid.other": "That doesn't look like a valid {what}.",
    "invalid.keypad.timeout": "Sorry, I didn't hear any keys.",
    "invalid.receipt_email.invalid": "That doesn't look like an email address; it should look like "
    "jane@example.com.",
    "invalid.receipt_email.several": "Please give just one email address.",
    "invalid.keypad.no_choice": "Sorry, that key isn't one of the choices.",
    # ---------------------------------------------------------------- help
    "help.account": "I need the account number of the bill you are paying, so I can find what is due.",
    "help.name": "I need the cardholder's name as it appears on the card, for example Jane Doe.",
    "help.amount": "Tell me how much you want to pay, for example 50 or $50.00.",
    "help.card_number": "Type the long number on the front of your card; spaces are fine. "
    "It is kept encrypted and deleted as soon as the payment method is created.",
    "help.expiry": "The expiry date is printed on the card as month and year, for example 08/29.",
    "help.cvv": "The security code is the short number on the card: "
    "3 digits on the back, or 4 on the front of an American Express card.",
    "help.payment_method": "Enter the card number, expiry date and security code in the secure form. "
    "They go straight to the payment processor and never pass through this chat.",
    "help.confirmation": "Say yes to make the payment, or no to change the name, amount or card.",
    "help.cancel": "You can say cancel at any time.",
    "help.receipt_email": "Your payment is done. Type the email address the receipt should go to, like "
    "jane@example.com, or say no if you don't want one.",
    # ---------------------------------------------------------------- questions answered
    "answer.amount_owed.preset": "The amount due is {amount}{for_reference}.",
    "answer.amount_owed.given": "You told me {amount}; you can change it before paying.",
    "answer.amount_owed.open": "You choose the amount: tell me how much you'd like to pay.",
    "answer.purpose.both": "This payment is for {description} (reference {reference}).",
    "answer.purpose.description": "This payment is for {description}.",
    "answer.purpose.reference": "This payment is for reference {reference}.",
    "answer.purpose.none": "I don't have a description of this payment; "
    "the business that sent you here can tell you what it is for.",
    "answer.security.secure": "Your card details are protected: they go from the secure form straight to "
    "our payment processor over an encrypted connection; this chat never sees the full card number or "
    "security code, and only the card's brand and last 4 digits are shown.",
    "answer.security.typed": "Your card details are protected: what you type here is held encrypted for "
    "this conversation only, is never logged, and is deleted as soon as the payment method is created; "
    "only the brand and last 4 digits are shown.",
    "answer.brand.accepted": "Yes, {brand} cards are accepted.",
    "answer.brand.refused": "Sorry, {brand} cards aren't accepted here; we accept {brands}.",
    "answer.methods": "You can pay by card: we accept {brands}.",
    "answer.other_method": "No, {method} isn't possible here: this payment can only be made by card ({brands}).",
    "answer.other_method.unnamed": "that",
    "answer.partial.fixed": "No, the amount of {amount} was set by the business and has to be paid in full here.",
    "answer.partial.open": "You choose the amount: tell me how much you'd like to pay.",
    "answer.partial.allowed": "Yes, you can pay a part: any amount from {minimum} up to the {amount} due.",
    "support.default": "call us and ask for an agent",
    "answer.person": "To speak to a person, {contact}. This payment stays open if you'd like to finish it here.",
    "answer.collected": "So far I have: {items}.",
    "answer.collected.none": "I don't have any of your details yet.",
    "answer.collected.name": "name {name}",
    "answer.collected.amount": "amount {amount}",
    "answer.collected.card": "card {card}",
    "why.account": "The account number tells me which bill you are paying and how much is due.",
    "why.name": "The name on the card lets your bank check that the payment is really yours.",
    "why.amount": "I need the amount to know how much to charge, and I'll confirm it with you before paying.",
    "why.card_number": "The card details are what the payment is made with; they go to the payment processor "
    "and are never stored here.",
    "why.expiry": "Banks check the expiry date with the card number before they approve a payment.",
    "why.cvv": "The security code proves the card is in your hands; it is used once and never stored.",
    "why.payment_method": "The card details are what the payment is made with; they go from the secure form "
    "to the payment processor and never through this chat.",
    "why.confirmation": "Nothing is charged until you say yes, so I ask before making the payment.",
    "why.receipt_email": "The address is used only to send this receipt.",
    "why.other": "I ask only for what the payment needs: the cardholder's name, the amount and the card.",
    # ---------------------------------------------------------------- the phone line
    # "phone.flow.*" are spoken by the contact flow itself (flow.json holds a copy per language,
    # kept equal to these by tests/connect/test_flow.py): what it must say even when the Lambda
    # cannot answer. The rest are the phone Lambda's own sentences.
    "phone.flow.intro": "This line takes card payments with your keypad.",
    "phone.flow.account": "Please enter your account number, then press pound.",
    "phone.flow.number": "Please enter your card number, then press pound. To start a number again, "
    "press star, then pound. To get a payment link by text message instead, press 9, then pound.",
    "phone.flow.expiry": "Now the expiry date: four digits, month then year, then press pound.",
    "phone.flow.payError": "Sorry, we could not confirm the payment. An agent will check whether it went "
    "through before anything else is done.",
    "phone.flow.error": "Sorry, something went wrong on our side.",
    "phone.flow.hold": "Please hold while I put you through to an agent.",
    "phone.flow.noAgent": "Sorry, no agent can take your call right now. Please call again later. Goodbye.",
    "phone.flow.goodbye": "Thank you for calling. Goodbye.",
    "phone.description": "Payment by phone",
    "phone.no_account_for_caller": "I couldn't find an account for the number you're calling from.",
    "phone.restart.account": "OK, let's start the account number again.",
    "phone.restart.card_number": "OK, let's start the card number again.",
    "phone.restart.expiry": "OK, let's start the expiry date again.",
    "phone.restart.cvv": "OK, let's start the security code again.",
    "phone.card_taken": "Thanks, that's your {card}.",
    "phone.link_sent": "I've sent a text message with a payment link to the number you're calling from. "
    "You can hang up and finish paying on the web.",
    "phone.link_no_number": "I can't send a text message to a hidden number, so let's carry on here.",
    "phone.link_failed": "Sorry, I couldn't send the text message.",
    "phone.menu": "Press 1 to pay {amount} with the card ending {last4}, or 2 to change the card.",
}
