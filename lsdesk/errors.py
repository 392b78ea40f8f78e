"""The one error model: an error the user caused carries its HTTP status and its Label Studio 0.8 body.

The app's error plugin answers with `body()` and `status`; the CLI and the window show `message`
(and `details`, one per line, when there are some).
"""


class LsdeskError(Exception):
    """What was wrong and where; a 400 unless the class or the raiser says otherwise."""

    status = 400

    def __init__(self, message, status=None, details=()):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.details = list(details)

    @property
    def message(self):
        return str(self)

    def body(self):
        """The JSON body of the HTTP answer: 0.8's {"detail", "status"}."""
        return {"detail": self.message, "status": self.status}
