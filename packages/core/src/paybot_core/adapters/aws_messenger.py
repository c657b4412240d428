"""Messages to payers on AWS: email through Amazon SES (`sesv2` `SendEmail`, the raw MIME message the
embedded messenger writes to files), SMS through Amazon SNS (`Publish` to a phone number, transactional).

SMS goes through SNS rather than AWS End User Messaging (`pinpoint-sms-voice-v2` `SendTextMessage`)
because the local AWS emulator the tests run against (moto) has no End User Messaging SMS API, and an
adapter nobody can run here would be untested code. SNS sends SMS through the same AWS SMS
infrastructure; an origination identity and spend limits are set in the account, not here.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import MessengerError
from ..ids import random_string
from ..merchant.messages import as_mime
from ..ports import OutgoingMessage
from .aws_errors import aws_failure

if TYPE_CHECKING:
    from ..settings import Settings


class AwsMessenger:
    def __init__(
        self, ses_client: Any, sns_client: Any, sender: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.ses = ses_client
        self.sns = sns_client
        self.sender = sender
        self._clock = clock

    def send(self, message: OutgoingMessage) -> str:
        try:
            if message.kind == "sms":
                answer = self.sns.publish(
                    PhoneNumber=message.to,
                    Message=message.text,
                    MessageAttributes={
                        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
                    },
                )
            else:
                local_id = "msg_" + random_string(string.ascii_letters, 20)
                raw = as_mime(message, self.sender, local_id, self._clock())
                answer = self.ses.send_email(
                    FromEmailAddress=self.sender,
                    Destination={"ToAddresses": [message.to]},
                    Content={"Raw": {"Data": raw}},
                )
        except Exception as err:
            raise aws_failure(err, MessengerError, "SNS" if message.kind == "sms" else "SES") from None
        return str(answer["MessageId"])


def build_from_settings(settings: Settings) -> AwsMessenger:
    from .aws_clients import client

    return AwsMessenger(client("sesv2"), client("sns"), settings.email_from)
