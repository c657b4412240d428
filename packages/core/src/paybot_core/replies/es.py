"""Mensajes en español (neutro, como se escribe en EE. UU. y América Latina; trato de usted).
Solo datos: los campos `{nombre}` los rellena `replies.render`; una clave terminada en "@speech"
es la versión para voz. Cada clave existe en todos los catálogos con los mismos campos."""

MESSAGES = {
    "opening.amount": "¡Hola! Puedo ayudarle a pagar {amount}{for_reference}.",
    "opening": "¡Hola! Puedo ayudarle a hacer un pago{for_reference}.",
    "opening.partial": "¡Hola! Puedo ayudarle a pagar {amount}{for_reference}: todo, o una parte de al menos "
    "{minimum}.",
    "for_reference": " de {reference}",
    "for_description": " por {description}",
    "opening.description": " ({description})",
    "prompt.name": "¿Cuál es el nombre que aparece en la tarjeta?",
    "prompt.amount": "¿Cuánto desea pagar?",
    "prompt.amount.partial": "¿Desea pagar los {amount} completos, o una parte (al menos {minimum})?",
    "prompt.account": "¿Cuál es su número de cuenta?",
    "prompt.account@speech": "Marque su número de cuenta, seguido de la tecla numeral.",
    "prompt.card_number": "Escriba el número de su tarjeta, por favor.",
    "prompt.expiry": "¿Cuál es la fecha de vencimiento de la tarjeta (MM/AA)?",
    "prompt.cvv.front": "¿Y el código de seguridad de {digits} dígitos del frente de la tarjeta?",
    "prompt.cvv.back": "¿Y el código de seguridad de {digits} dígitos del reverso de la tarjeta?",
    "prompt.cvv.front@speech": "Y el código de seguridad de {digits} dígitos del frente de la tarjeta, seguido "
    "de la tecla numeral.",
    "prompt.cvv.back@speech": "Y el código de seguridad de {digits} dígitos del reverso de la tarjeta, seguido "
    "de la tecla numeral.",
    "prompt.payment_method": "Ingrese los datos de su tarjeta en el formulario seguro, por favor.",
    "prompt.receipt_email": "¿Desea un recibo por correo electrónico? Escriba su correo, o diga no.",
    "prompt.confirmation": "Para confirmar: {name} paga {amount}{for_reference} con la {card}. "
    "¿Hago el pago? (sí o no)",
    "prompt.confirmation.partial": "Para confirmar: {name} paga {amount} de los {due} que se deben"
    "{for_reference} con la {card}, y quedarán {left} por pagar. ¿Hago el pago? (sí o no)",
    "card": "{brand} terminada en {last4}",
    "card.unknown": "tarjeta",
    "list.and": " y ",
    "brands.none": "ninguna tarjeta",
    "accepted.name": "Gracias, {name}.",
    "accepted.amount": "Entendido: {amount}.",
    "accepted.amount.partial": "Entendido: {amount} ahora, y quedarán {left} por pagar.",
    "accepted.card": "Gracias, tengo su {card}.",
    "amount_locked": "El monto de {amount} lo fijó el comercio y no se puede cambiar aquí.",
    "use_secure_form": "Por su seguridad, no escriba números de tarjeta en el chat; no lo he guardado. "
    "Use el formulario seguro de la tarjeta.",
    "not_understood": "Perdón, no le entendí.",
    "greeting": "Con gusto le ayudo.",
    "ask_what_to_change": "Sin problema. ¿Qué desea cambiar: el nombre, el monto o la tarjeta? "
    "También puede decir cancelar.",
    "nothing_to_change": "De acuerdo, no cambia nada.",
    "need_yes_or_no": "Solo haré el pago con un sí claro. Diga no para cambiar algo, o cancelar para terminar.",
    "card_cleared": "De acuerdo, usemos otra tarjeta.",
    "number_first": "Empecemos por el número de la tarjeta.",
    "account_first": "Primero necesito su número de cuenta.",
    "confirm_amount": "¿Quiso decir {amount}? (sí o no)",
    "amount_not_taken": "De acuerdo, anotemos bien el monto.",
    "receipt_requested": "Gracias: su recibo va en camino a {email}.",
    "receipt_declined": "De acuerdo, sin recibo. Su referencia de confirmación es {reference}.",
    "continued_on_web": "Aquí sigue lo que empezó por teléfono: terminemos su pago en la web.",
    "receipt_given_up": "No pude leer un correo electrónico, así que no enviaré un recibo. "
    "Su referencia de confirmación es {reference}.",
    "paid": "Pago realizado: se pagaron {amount}{with_card}. Su referencia de confirmación es {reference}. "
    "¡Gracias!",
    "paid@speech": "Pago realizado: se pagaron {amount}{with_card}. Su código de confirmación es {reference}. "
    "¡Gracias!",
    "with_card": " con la {card}",
    "paid.left": "Quedan {left} por pagar{for_reference}.",
    "payment_failed": "{reason} No se cobró nada. Pruebe con otra tarjeta, por favor ({tries_left}).",
    "left.one": "le queda 1 intento",
    "left.many": "le quedan {left} intentos",
    "payment_failed@speech": "{reason} No se cobró nada. Puede probar con otra tarjeta: le quedan {left_words} "
    "{attempts}.",
    "attempts.one": "intento",
    "attempts.many": "intentos",
    "needs_authentication": "Su banco necesita que verifique este pago. "
    "Complete el paso de verificación y luego revisaré el resultado.",
    "processing": "Su pago se sigue procesando. Envíe cualquier mensaje para consultarlo.",
    "gateway_unavailable": "No pude comunicarme con el procesador de pagos en este momento. Diga sí para "
    "intentarlo de nuevo: nunca se le cobrará dos veces este pago.",
    "gateway_unavailable@speech": "No pude comunicarme con el procesador de pagos en este momento. Puede "
    "intentarlo de nuevo: nunca se le cobrará dos veces este pago.",
    "payment_unconfirmed": "No pude confirmar su pago en este momento, y es posible que se haya realizado. "
    "Diga sí de nuevo en un momento para saberlo: nunca se le cobrará dos veces este pago.",
    "payment_unconfirmed.stopped": "Lo sentimos, no pudimos confirmar el pago, y es posible que se haya "
    "realizado, así que no lo enviaré de nuevo. Consúltenos antes de pagar de otra forma: {contact}.",
    "payment_unconfirmed.stopped@speech": "Lo sentimos, no pudimos confirmar el pago. Un agente verificará "
    "si se realizó antes de hacer cualquier otra cosa.",
    "too_many_attempts": "Lo siento, son demasiados intentos con {what}, así que cerré este pago. "
    "No se cobró nada. Puede pagar de otra forma: {contact}, o empezar un pago nuevo.",
    "too_many_attempts@speech": "Lo siento, son demasiados intentos con {what}, así que cerré este pago. "
    "No se cobró nada. Un agente puede ayudarle a pagar de otra forma.",
    "too_many_payment_attempts": "{reason} Ese fue el último intento de pago de esta sesión y no se cobró "
    "nada. Pague de otra forma, por favor: {contact}.",
    "too_many_payment_attempts@speech": "{reason} Ese fue el último intento de pago de esta sesión y no se "
    "cobró nada. Un agente puede ayudarle a pagar de otra forma.",
    "payment_not_possible": "{reason} Intentarlo de nuevo no cambiaría eso, así que cerré este pago. "
    "Pague de otra forma, por favor: {contact}.",
    "payment_not_possible@speech": "{reason} Intentarlo de nuevo no cambiaría eso. Un agente puede ayudarle.",
    "too_many_turns": "Esta conversación se alargó demasiado, así que la cerré. "
    "No se cobró nada. Empiece un pago nuevo, por favor.",
    "cancelled": "De acuerdo, cancelé este pago. No se cobró nada. Para pagar más tarde, empiece un pago nuevo.",
    "restarted": "Empecemos de nuevo.",
    "expired": "Esta sesión de pago venció por inactividad y se borraron los datos de la tarjeta. "
    "No se cobró nada. Empiece un pago nuevo, por favor.",
    "closed.completed": "Este pago ya está completo (referencia {reference}); no se cobrará nada más. "
    "Para hacer otro pago, empiece uno nuevo.",
    "closed": "Esta sesión de pago está {status} y ya no puede pasar nada en ella. "
    "Empiece un pago nuevo para intentarlo otra vez.",
    "status.failed": "cerrada por errores",
    "status.cancelled": "cancelada",
    "status.expired": "vencida",
    "status.completed": "completa",
    "payment_method_rejected": "No pude usar esa tarjeta; ingrésela de nuevo, por favor.",
    "tries_left.one": " (Le queda 1 intento.)",
    "tries_left.many": " (Le quedan {left} intentos.)",
    "tries_left.one@speech": " Le queda un intento.",
    "tries_left.many@speech": " Le quedan {left_words} intentos.",
    "field.name": "el nombre",
    "field.amount": "el monto",
    "field.account": "el número de cuenta",
    "field.card_number": "el número de tarjeta",
    "field.expiry": "la fecha de vencimiento",
    "field.cvv": "el código de seguridad",
    "field.payment_method": "los datos de la tarjeta",
    "field.confirmation": "la confirmación",
    "field.receipt_email": "el correo electrónico",
    "field.other": "los datos",
    "decline.other": "El pago no se realizó.",
    "invalid.name.invalid_characters": "Un nombre solo puede tener letras, espacios, apóstrofos, guiones y puntos.",
    "invalid.name.too_long": "Ese nombre tiene más de 100 caracteres.",
    "invalid.name.too_short": "Un nombre necesita al menos dos letras.",
    "invalid.amount.not_positive": "El monto debe ser mayor que cero.",
    "invalid.amount.negative": "El monto debe ser mayor que cero; no se puede pagar un monto negativo.",
    "invalid.amount.too_many_decimals": "Los montos pueden tener como máximo dos decimales.",
    "invalid.amount.unreadable": "No pude leer eso como un monto; pruebe con algo como 50 o $50.00.",
    "invalid.amount.other_currency": "Este pago es en {session_currency}, así que no puedo aceptar un monto "
    "en {other}.",
    "invalid.amount.over_max": "Lo máximo que puedo cobrar en un pago es {amount}.",
    "invalid.amount.over_due": "Eso es más de los {amount} que se deben; puede pagar como máximo {amount}.",
    "invalid.amount.under_minimum": "Lo mínimo que puede pagar es {minimum}.",
    "invalid.amount.share_without_due": "Dígame el monto en sí, como 50 o $50.00, no una fracción de él.",
    "currency": "{name} ({code})",
    "currency.other": "otra moneda",
    "invalid.card_number.too_short": "Un número de tarjeta tiene de 13 a 19 dígitos.",
    "invalid.card_number.too_long": "Un número de tarjeta tiene de 13 a 19 dígitos.",
    "invalid.card_number.too_short@speech": "Un número de tarjeta tiene de trece a diecinueve dígitos.",
    "invalid.card_number.too_long@speech": "Un número de tarjeta tiene de trece a diecinueve dígitos.",
    "invalid.card_number.checksum": "Ese número de tarjeta no es válido; revise los dígitos, por favor.",
    "invalid.card_number.unknown_brand": "No reconozco ese tipo de tarjeta.",
    "invalid.card_number.wrong_length": "Ese número no tiene la cantidad de dígitos de su tipo de tarjeta.",
    "invalid.expiry.format": "Escriba la fecha de vencimiento como MM/AA, por ejemplo 08/29.",
    "invalid.expiry.format@speech": "Marque la fecha de vencimiento con cuatro dígitos, mes y luego año: por "
    "ejemplo, cero ocho dos nueve para agosto de dos mil veintinueve.",
    "invalid.expiry.bad_month": "El mes de una fecha de vencimiento va de 01 a 12.",
    "invalid.expiry.bad_month@speech": "El mes de una fecha de vencimiento va de cero uno a doce.",
    "invalid.expiry.expired": "Esa fecha de vencimiento ya pasó, así que la tarjeta está vencida.",
    "invalid.expiry.too_far": "Esa fecha de vencimiento está demasiado lejos en el futuro.",
    "invalid.payment_method.expired_card": "Esa tarjeta está vencida.",
    "invalid.brand_not_accepted": "Lo siento, solo aceptamos {brands}.",
    "invalid.cvv": "El código de seguridad de esta tarjeta tiene {digits} dígitos.",
    "invalid.account.not_found": "No encontré ninguna cuenta con ese número.",
    "invalid.account.card_number": "Eso parece un número de tarjeta. Escriba su número de cuenta, por favor.",
    "invalid.account.card_number@speech": "Eso parece un número de tarjeta. Marque su número de cuenta, "
    "por favor.",
    "invalid.other": "Eso no parece {what} válido.",
    "invalid.keypad.timeout": "Perdón, no escuché ninguna tecla.",
    "invalid.receipt_email.invalid": "Eso no parece un correo electrónico; debe verse como maria@example.com.",
    "invalid.receipt_email.several": "Escriba un solo correo electrónico, por favor.",
    "invalid.keypad.no_choice": "Perdón, esa tecla no es una de las opciones.",
    "help.name": "Necesito el nombre del titular tal como aparece en la tarjeta, por ejemplo María Pérez.",
    "help.amount": "Dígame cuánto desea pagar, por ejemplo 50 o $50.00.",
    "help.account": "Necesito el número de cuenta de lo que va a pagar, para encontrar cuánto se debe.",
    "help.card_number": "Escriba el número largo del frente de su tarjeta; puede usar espacios. "
    "Se guarda cifrado y se borra en cuanto se crea el método de pago.",
    "help.expiry": "La fecha de vencimiento está impresa en la tarjeta como mes y año, por ejemplo 08/29.",
    "help.cvv": "El código de seguridad es el número corto de la tarjeta: "
    "3 dígitos en el reverso, o 4 en el frente de una American Express.",
    "help.payment_method": "Ingrese el número, la fecha de vencimiento y el código de seguridad en el formulario "
    "seguro. Van directo al procesador de pagos y nunca pasan por este chat.",
    "help.confirmation": "Diga sí para hacer el pago, o no para cambiar el nombre, el monto o la tarjeta.",
    "help.cancel": "Puede decir cancelar en cualquier momento.",
    "help.receipt_email": "Su pago ya está hecho. Escriba el correo electrónico al que debo enviar el recibo, "
    "como maria@example.com, o diga no si no lo desea.",
    "answer.amount_owed.preset": "El monto a pagar es {amount}{for_reference}.",
    "answer.amount_owed.given": "Me indicó {amount}; puede cambiarlo antes de pagar.",
    "answer.amount_owed.open": "Usted elige el monto: dígame cuánto desea pagar.",
    "answer.purpose.both": "Este pago es por {description} (referencia {reference}).",
    "answer.purpose.description": "Este pago es por {description}.",
    "answer.purpose.reference": "Este pago corresponde a la referencia {reference}.",
    "answer.purpose.none": "No tengo una descripción de este pago; "
    "el comercio que le envió aquí puede decirle a qué corresponde.",
    "answer.security.secure": "Los datos de su tarjeta están protegidos: van del formulario seguro directo "
    "a nuestro procesador de pagos por una conexión cifrada; este chat nunca ve el número completo ni el "
    "código de seguridad, y solo se muestran la marca y los últimos 4 dígitos.",
    "answer.security.typed": "Los datos de su tarjeta están protegidos: lo que escribe aquí se guarda "
    "cifrado solo durante esta conversación, nunca se registra y se borra en cuanto se crea el método de "
    "pago; solo se muestran la marca y los últimos 4 dígitos.",
    "answer.brand.accepted": "Sí, se aceptan tarjetas {brand}.",
    "answer.brand.refused": "Lo siento, aquí no se aceptan tarjetas {brand}; aceptamos {brands}.",
    "answer.methods": "Puede pagar con tarjeta: aceptamos {brands}.",
    "answer.other_method": "No, aquí no se puede pagar con {method}: este pago solo se puede hacer con tarjeta "
    "({brands}).",
    "answer.other_method.unnamed": "eso",
    "answer.partial.fixed": "No, el monto de {amount} lo fijó el comercio y aquí se debe pagar completo.",
    "answer.partial.open": "Usted elige el monto: dígame cuánto desea pagar.",
    "answer.partial.allowed": "Sí, puede pagar una parte: cualquier monto desde {minimum} hasta los {amount} "
    "que se deben.",
    "support.default": "llámenos y pida hablar con un agente",
    "answer.person": "Para hablar con una persona, {contact}. Este pago sigue abierto si desea terminarlo aquí.",
    "answer.collected": "Hasta ahora tengo: {items}.",
    "answer.collected.none": "Todavía no tengo ninguno de sus datos.",
    "answer.collected.name": "nombre {name}",
    "answer.collected.amount": "monto {amount}",
    "answer.collected.card": "tarjeta {card}",
    "why.name": "El nombre de la tarjeta le permite a su banco comprobar que el pago es realmente suyo.",
    "why.amount": "Necesito el monto para saber cuánto cobrar, y se lo confirmaré antes de pagar.",
    "why.account": "El número de cuenta me dice qué está pagando y cuánto se debe.",
    "why.card_number": "Con los datos de la tarjeta se hace el pago; van al procesador de pagos y nunca se "
    "guardan aquí.",
    "why.expiry": "Los bancos revisan la fecha de vencimiento junto con el número antes de aprobar un pago.",
    "why.cvv": "El código de seguridad demuestra que usted tiene la tarjeta; se usa una vez y nunca se guarda.",
    "why.payment_method": "Con los datos de la tarjeta se hace el pago; van del formulario seguro al procesador "
    "de pagos y nunca pasan por este chat.",
    "why.confirmation": "No se cobra nada hasta que usted diga sí, por eso pregunto antes de hacer el pago.",
    "why.receipt_email": "El correo se usa solo para enviar este recibo.",
    "why.other": "Solo pido lo que el pago necesita: el nombre del titular, el monto y la tarjeta.",
    # ---------------------------------------------------------------- la línea telefónica
    # "phone.flow.*" los dice el propio flujo de contacto (flow.json guarda una copia por idioma,
    # igual a estas según tests/connect/test_flow.py); el resto son frases de la Lambda del teléfono.
    "phone.flow.intro": "Esta línea recibe pagos con tarjeta con el teclado de su teléfono.",
    "phone.flow.account": "Marque su número de cuenta, seguido de la tecla numeral.",
    "phone.flow.number": "Marque el número de su tarjeta, seguido de la tecla numeral. Para volver a empezar "
    "el número, oprima asterisco y luego la tecla numeral. Para recibir un enlace de pago por mensaje de "
    "texto, oprima 9 y luego la tecla numeral.",
    "phone.flow.expiry": "Ahora la fecha de vencimiento: cuatro dígitos, primero el mes y luego el año, "
    "seguidos de la tecla numeral.",
    "phone.flow.payError": "Lo sentimos, no pudimos confirmar el pago. Un agente verificará si se realizó "
    "antes de hacer cualquier otra cosa.",
    "phone.flow.error": "Lo sentimos, algo falló de nuestro lado.",
    "phone.flow.hold": "Espere en la línea, por favor; le comunico con un agente.",
    "phone.flow.noAgent": "Lo sentimos, en este momento ningún agente puede atender su llamada. Por favor, "
    "vuelva a llamar más tarde. Adiós.",
    "phone.flow.goodbye": "Gracias por llamar. Adiós.",
    "phone.description": "Pago por teléfono",
    "phone.no_account_for_caller": "No encontré ninguna cuenta para el número desde el que llama.",
    "phone.restart.account": "De acuerdo, empecemos de nuevo el número de cuenta.",
    "phone.restart.card_number": "De acuerdo, empecemos de nuevo el número de tarjeta.",
    "phone.restart.expiry": "De acuerdo, empecemos de nuevo la fecha de vencimiento.",
    "phone.restart.cvv": "De acuerdo, empecemos de nuevo el código de seguridad.",
    "phone.card_taken": "Gracias, es su {card}.",
    "phone.link_sent": "Le envié un mensaje de texto con un enlace de pago al número desde el que llama. "
    "Puede colgar y terminar su pago en la web.",
    "phone.link_no_number": "No puedo enviar un mensaje de texto a un número oculto; sigamos por aquí.",
    "phone.link_failed": "Perdón, no pude enviar el mensaje de texto.",
    "phone.menu": "Oprima 1 para pagar {amount} con la tarjeta terminada en {last4}, u oprima 2 para cambiar "
    "de tarjeta.",
}
