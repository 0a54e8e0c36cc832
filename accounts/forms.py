from django.contrib.auth.forms import AuthenticationForm


class PortalLoginForm(AuthenticationForm):
    """The "Portal Login" form: User ID and Password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User ID"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
