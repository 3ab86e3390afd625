"""PLACEHOLDER until branch themes-core is merged: its services, as the shared design names them."""


def queue_theme_computation(*, actor, round):
    raise NotImplementedError


def rename_theme(*, actor, theme, name):
    raise NotImplementedError


def merge_themes(*, actor, target, others):
    raise NotImplementedError


def split_theme(*, actor, theme, suggestion_ids, name):
    raise NotImplementedError


def move_suggestion(*, actor, suggestion, theme):
    raise NotImplementedError
