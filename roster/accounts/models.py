from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from roster.accounts.roles import ENTITIES

# As long as the longest email, which stands in for a missing client_id.
CLIENT_ID_LENGTH = 254

# Django's permissions of the Admin Panel, mapped onto Roster's roles.
ACTIONS_OF_PERMISSION = {
    "view": ("List", "Read"),
    "add": ("Create",),
    "change": ("Edit",),
    "delete": ("Delete",),
}
ENTITY_OF_MODEL = {entity.lower(): entity for entity in ENTITIES}


class UserManager(BaseUserManager):
    def with_email(self, email):
        """The logins with this email: stored in lower case, so an exact
        match on the lowered text finds it, served by the unique index."""
        return self.filter(email=email.strip().lower())

    def get_by_natural_key(self, username):
        return self.with_email(username).get()


class User(AbstractBaseUser):
    """A login, identified by its email address.

    A full administrator holds every role in every business. Any other
    administrator holds the roles listed in `roles` and sees only the records
    of the businesses in `businesses`; with none, it sees no records at all.
    A customer's login is linked to its Coworker record and holds no roles:
    it reaches the Members Portal, never the administrators' API.
    """

    email = models.EmailField(max_length=254, unique=True)
    full_admin = models.BooleanField(default=False)
    roles = models.JSONField(default=list, blank=True)
    businesses = models.ManyToManyField(
        "businesses.Business", blank=True, related_name="administrators"
    )
    is_active = models.BooleanField(default=True)
    # A base32 TOTP secret; when set, the password grant also needs `totp`.
    totp_secret = models.CharField(max_length=64, blank=True, default="")
    date_joined = models.DateTimeField(default=timezone.now)
    coworker = models.OneToOneField(
        "customers.Coworker",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="login",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    objects = UserManager()

    def __str__(self):
        return self.email

    @property
    def is_staff(self):
        """Whether the login may enter the Admin Panel."""
        return self.is_active and (self.full_admin or bool(self.roles))

    def has_perm(self, perm, obj=None):
        """Whether a Django permission (`app.action_model`) is among the roles.

        view needs `{Entity}-List` or `-Read`, add `-Create`, change `-Edit`
        and delete `-Delete`. The history may be read by every administrator
        and written by none; logins are managed by full administrators only.
        """
        if not self.is_staff:
            return False
        app_label, _, codename = perm.partition(".")
        action, _, model = codename.partition("_")
        if app_label == "core" and model == "change":
            return action == "view"
        if self.full_admin:
            return True
        entity = ENTITY_OF_MODEL.get(model)
        if entity is None:
            return False
        actions = ACTIONS_OF_PERMISSION.get(action, ())
        return any(f"{entity}-{name}" in self.roles for name in actions)

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        """Whether any model of the app is visible to the administrator."""
        from django.apps import apps

        return any(
            self.has_perm(f"{app_label}.view_{model._meta.model_name}")
            for model in apps.get_app_config(app_label).get_models()
        )


class AccessToken(models.Model):
    """A bearer token; only the SHA-256 of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=CLIENT_ID_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    expires = models.DateTimeField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"token of user {self.user_id} for {self.client_id}"


class RefreshToken(models.Model):
    """A refresh token; a user holds one live token per client.

    Using a token revokes it; issuing a new one revokes the client's others.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=CLIENT_ID_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    expires = models.DateTimeField()
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "client_id"])]

    def __str__(self):
        return f"refresh token of user {self.user_id} for {self.client_id}"
