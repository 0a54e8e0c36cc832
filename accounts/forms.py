from django.contrib.auth.forms import AuthenticationForm


class PortalLoginForm(AuthenticationForm):
    """The "Portal Login" form: User ID and Password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct User ID and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User ID"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
