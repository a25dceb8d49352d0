"""Django's password rules in Balik's words, so that a page never says "sandi" in one line and
"kata sandi" in the next: the same checks, their help and their refusals translated by Balik."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class NotLikeThePerson(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("The password is too close to your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return _("Choose a password unlike your name and e-mail address.")


class LongEnough(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        )

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class NotCommon(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("Many people use this password: choose another.")

    def get_help_text(self) -> str:
        return _("Not a password many people use.")


class NotOnlyDigits(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is only digits: add letters or other signs.")

    def get_help_text(self) -> str:
        return _("Not only digits.")
