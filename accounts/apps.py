from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access log"

    def ready(self):
        from accounts.signin import mfa_methods

        mfa_methods.register()
