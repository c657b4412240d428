"""Words the card-data recogniser knows, per supported language (English, Spanish).

Data only: how people spell digits, name months, and label a security code or an expiry. The
recogniser matches them on canonical text (NFKC, case-folded, accents stripped), so every entry
here is written that way.
"""

from __future__ import annotations

# One word, one value. Teens and tens carry two digits; "hundred" is handled by the recogniser.
UNITS: dict[str, int] = {
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "niner": 9,  # "niner": radio and aviation read-back
    # Spanish
    "cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9,
}  # fmt: skip
# Read as 0 only inside a spoken number: after a number word and before another ("four two oh four",
# "four oh oh two"), after "double"/"triple", or closing a group of four or more digits read aloud;
# alone, or before other words, it is an interjection ("oh ok", "oh well").
INNER_ZERO = frozenset({"oh"})
TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    # Spanish writes 21-29 as one word
    "veinte": 20, "veintiuno": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28,
    "veintinueve": 29,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90,
}  # fmt: skip
HUNDRED = frozenset({"hundred", "cien", "ciento"})
# "double four", "triple seven" (and their Spanish forms): the next unit two or three times.
REPEAT: dict[str, int] = {"double": 2, "triple": 3, "doble": 2}
# Words that join number words without being one ("forty and two", "treinta y uno").
JOINERS = frozenset({"and", "y"})

NUMBER_WORDS = frozenset(UNITS) | frozenset(TEENS) | frozenset(TENS) | HUNDRED

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
    "ene": 1, "enero": 1, "febrero": 2, "marzo": 3, "abr": 4, "abril": 4, "mayo": 5, "junio": 6,
    "julio": 7, "ago": 8, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10,
    "noviembre": 11, "dic": 12, "diciembre": 12,
}  # fmt: skip

# Labels of a security code. Acronyms may be dotted or spaced ("c.v.v.", "c v c"): the recogniser
# lets any separator sit between their letters.
CVV_ACRONYMS = ("cvv2", "cvc2", "cvv", "cvc", "cv2", "cvn", "cvd", "cid", "csc", "spc")
CVV_PHRASES = (
    r"security(?:\s+(?:code|number|digits|no|value))?",
    r"verification(?:\s+(?:code|number|value|digits))?",
    r"(?:card|sec|check)\s+code",
    r"code\s+(?:on|at|from|in)\s+(?:the\s+)?back(?:\s+of\s+(?:the\s+|my\s+)?card)?",
    # A code of another kind is no security code: "area code 415", "zip code", "promo code 2024".
    r"(?<!area\s)(?<!zip\s)(?<!postal\s)(?<!post\s)(?<!promo\s)(?<!discount\s)(?<!coupon\s)(?<!country\s)code",
    r"pin(?:\s+number)?",
    r"(?:numbers?|digits?)\s+(?:on|at|from|in)\s+(?:the\s+)?back(?:\s+of\s+(?:the\s+|my\s+)?card)?",
    r"(?:(?:on|at|from|in)\s+)?the\s+back(?:\s+of\s+(?:the\s+|my\s+)?card)?",
    r"back\s+of\s+(?:the\s+|my\s+)?card",
    r"codigo(?:\s+de\s+seguridad)?",
    r"numero\s+de\s+seguridad",
    r"clave(?:\s+de\s+seguridad)?",
    r"(?:digitos?|numeros?|cifras?)\s+(?:de\s+)?(?:atras|detras|del\s+reverso)",
    r"(?:el|la|los|las)\s+de\s+(?:atras|detras)",
)
# Words that may sit between a label and its value ("the cvv is 123", "el codigo es 123").
LABEL_FILLER = (
    "is", "are", "it's", "its", "s", "number", "no", "num", "of", "my", "the", "card", "it", "would",
    "be", "will", "should", "reads", "says", "say", "nr", "es", "son", "el", "la", "de", "mi", "seria",
    "sera", "dice", "pone",
)  # fmt: skip
# Words that may sit between a code and its label after it ("737 is the cvv", "737 es el codigo").
CODE_BEFORE_LABEL_FILLER = (
    "is", "are", "its", "it's", "my", "the", "that's", "thats", "as", "es", "son", "el", "la",
    "mi", "de",
)  # fmt: skip

# Words that make a figure money ("500 dollars"): a figure before one is an amount, never a code.
MONEY_WORDS = (
    "dollars?", "bucks", "dolares", "usd", "eur", "euros?", "pounds?", "gbp", "cad", "aud", "cents?",
    "pence", "pesos?", "mxn", "centavos?",
)  # fmt: skip
MONEY_AFTER = r"(?!\s*(?:" + "|".join(MONEY_WORDS) + r")\b)"

EXPIRY_LABELS = (
    r"exp(?:iry|ires?|iration|iring)?(?:\s+date)?",
    r"valid\s+(?:thru|through|until|till)",
    r"good\s+(?:thru|through|until|till)",
    r"vence|vencimiento|caduca|caducidad|fecha\s+de\s+(?:vencimiento|caducidad|expiracion)|expira",
)
