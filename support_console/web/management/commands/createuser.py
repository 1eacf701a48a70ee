"""python -m support_console.manage createuser mei --role agent [--name "Mei Chen"]

Asks for the password twice (or reads one line from stdin with
--password-stdin), checks it with Django's password validators, stores it
hashed."""
import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from support_console.web.models import LEAD, ROLES


class Command(BaseCommand):
    help = "Create or update a console user (agent or team lead)."
    stealth_options = ("stdin",)  # tests hand the password over this way

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLES, required=True)
        parser.add_argument("--name", default="", help="shown to borrowers with the agent's replies")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, username, role, name, password_stdin, **options):
        if password_stdin:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        user.first_name = name or user.first_name
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            if created:
                user.delete()
            raise CommandError(" ".join(error.messages))
        user.set_password(password)
        user.save()
        for group in ROLES:
            Group.objects.get_or_create(name=group)
        user.groups.set([Group.objects.get(name=role)])
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {role} {username}" + (" (team lead)" if role == LEAD else ""))
