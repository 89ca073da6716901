"""Model instances kept in the cache as plain values, and back.

A pickled model instance names its classes (Django's ``model_unpickle``, its
``ModelState``, each aware datetime's ``datetime``, ``timezone`` and
``timedelta``), and reading it imports each of them again and runs Django's
``__setstate__``: a signed-in member's user and memberships, read on every
request, cost more to unpickle than the cached page they are shown. Packed,
an instance is its model's label, its loaded values (aware datetimes as
microseconds since the epoch, in UTC) and the instances its related-object
cache holds, packed the same way: nothing but strings, numbers and
containers, and only Python's own types to rebuild.

Private attributes (``_prefetched_objects_cache``, permission caches) are
never kept: they belong to the request that made them. A field not loaded
(deferred) stays deferred: reading it asks the database, as it would have.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models.base import ModelState

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# An attribute name never starts with this: it marks an aware datetime's microseconds.
_DATETIME = "@"
_models: dict[str, type] = {}


def pack(instance, *, without: tuple[str, ...] = (), defer: tuple[str, ...] = ()) -> tuple:
    """``instance`` as plain values; ``without``: related objects to leave out;
    ``defer``: fields to leave unloaded (read from the database when asked)."""
    values = {}
    for name, value in instance.__dict__.items():
        if name[0] == "_" or name in defer:
            continue
        if type(value) is dt.datetime and value.tzinfo is not None:
            values[_DATETIME + name] = (value - _EPOCH) // _MICROSECOND
        else:
            values[name] = value
    related = {
        name: None if other is None else pack(other)
        for name, other in instance._state.fields_cache.items()
        if name not in without
    }
    return (instance._meta.label, instance._state.db, values, related)


def unpack(packed: tuple):
    """The instance ``pack`` described, as loaded from its database."""
    label, db, values, related = packed
    model = _models.get(label)
    if model is None:
        model = _models[label] = apps.get_model(label)
    instance = model.__new__(model)
    state = ModelState()
    state.db = db
    state.adding = False
    attributes = instance.__dict__
    attributes["_state"] = state
    for name, value in values.items():
        if name[0] == _DATETIME:
            attributes[name[1:]] = _EPOCH + value * _MICROSECOND
        else:
            attributes[name] = value
    state.fields_cache = {
        name: None if other is None else unpack(other) for name, other in related.items()
    }
    return instance
