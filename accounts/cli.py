"""Operator commands: `flask users create|reset-password|list|todo-digest` and the API tokens' (token, tokens,
revoke-token, revoke-tokens)."""

import click
from sqlalchemy import func, select

from accounts import queries, services
from accounts.errors import AccountError
from accounts.models import ApiToken, Role, Unit, User
from extensions import db

users_cli = click.Group("users", help="Manage staff accounts.")


def _fail(error: AccountError):
    raise click.ClickException(error.message)


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's name as shown in the interface.")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--unit", "unit_name", help="Name of the unit (required for unit_staff).")
@click.option("--email")
@click.password_option(help="Asked for when not given.")
def create_user(username, display_name, role, unit_name, email, password):
    """Create a staff account."""
    unit_id = None
    if unit_name:
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == unit_name))
        if unit_id is None:
            raise click.ClickException(f"No unit named {unit_name}.")
    try:
        user = services.create_user(
            actor=None,
            username=username,
            display_name=display_name,
            role=Role(role),
            unit_id=unit_id,
            email=email,
            password=password,
        )
    except AccountError as error:
        _fail(error)
    click.echo(f"Created {user.username} ({user.role.value}).")


@users_cli.command("reset-password")
@click.argument("username")
@click.password_option(help="Asked for when not given.")
def reset_password(username, password):
    """Set a new password for a user and end their sessions."""
    user = _user(username)
    try:
        services.reset_password(actor=None, user=user, new_password=password)
    except AccountError as error:
        _fail(error)
    click.echo(f"Password of {user.username} reset.")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="api", help="What the token is for, e.g. 12345-hotline.")
@click.option("--rate-limit", default="", help="Its own limit, e.g. 600/hour; without it API_TOKEN_RATE_LIMIT.")
def create_token(username, name, rate_limit):
    """Make an API bearer token for a user (shown once)."""
    user = _user(username)
    try:
        token = services.create_api_token(actor=None, user=user, name=name, rate_limit=rate_limit)
    except AccountError as error:
        _fail(error)
    click.echo(token)


@users_cli.command("tokens")
def list_tokens():
    """List the API tokens: number, name, user, created, last used, rate limit, state."""
    for token in db.session.scalars(queries.api_tokens()):
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        fields = [token.id, token.name, token.user.username, token.created_at.isoformat(timespec="minutes"), used]
        fields += [token.rate_limit or "default", "revoked" if token.revoked else "active"]
        click.echo("\t".join(map(str, fields)))


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke one API token, by the number `flask users tokens` shows."""
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None:
        raise click.ClickException(f"No token number {token_id}.")
    services.revoke_api_token(actor=None, api_token=api_token)
    click.echo(f"Token {api_token.name} revoked.")


@users_cli.command("revoke-tokens")
@click.argument("username")
def revoke_tokens(username):
    """Revoke every API token of a user."""
    count = services.revoke_api_tokens(actor=None, user=_user(username))
    click.echo(f"{count} tokens revoked.")


@users_cli.command("list")
def list_users():
    """List staff accounts."""
    for user in db.session.scalars(queries.users()):
        state = "active" if user.active else "deactivated"
        unit = user.unit.name if user.unit else "-"
        click.echo(f"{user.username}\t{user.role.value}\t{user.display_name}\t{unit}\t{state}")


@users_cli.command("todo-digest")
def todo_digest():
    """Mail staff who did not log in today what waits for them, when something new does (run it daily)."""
    click.echo(f"{services.send_todo_digests()} digests queued.")
