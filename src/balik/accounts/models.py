"""Accounts: who can sign in, in which roles, and the tokens scripts use."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.core.fields import SingleLineCharField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_org_admin=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A sign-in. The person's profile lives in `people.Person`; roles are flags that combine."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = SingleLineCharField(_("full name"), max_length=200)
    is_org_admin = models.BooleanField(
        _("organisation admin"),
        default=False,
        help_text=_("Manages the directory, imports people and sets up the organisation."),
    )
    is_program_manager = models.BooleanField(
        _("programme manager"),
        default=False,
        help_text=_("Creates and runs mentoring programmes."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_org_admin:
            names.append(str(_("Organisation admin")))
        if self.is_program_manager:
            names.append(str(_("Programme manager")))
        names.append(str(_("Participant")))
        return names


TOKEN_PREFIX = "blk_"  # noqa: S105 (a public marker, not a secret)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


# How long a new token lives, in days: the form's choices, and the API's bounds.
TOKEN_LIFETIME_CHOICES = (30, 90, 180, 365)
TOKEN_LIFETIME_DEFAULT = 90
TOKEN_LIFETIME_MAX = 365


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal token for scripts. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = SingleLineCharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def state(self) -> str:
        """`revoked`, `expired` or `active`: revoking is the owner's act, so it names the end."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired else "active"


class RateCounter(models.Model):
    """Recent attempts of one kind (`scope`) for one account or address (`key`).

    Kept in the database, not the cache: `balik serve` runs several worker processes (and a
    large install several servers), each with its own in-memory cache, so only the database
    sees every attempt.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=254)
    count = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    last_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="accounts_ratecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count}"
