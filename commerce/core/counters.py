"""Adding to counter rows that concurrent transactions add to as well.

Oscar's analytics keep one counter row per product (``ProductRecord``) and per
user (``UserRecord``). Orders and product-view batches add to the same rows at
the same time, so every addition takes the same three steps:

1. insert the missing rows at zero (a concurrent insert of the same row waits
   on the unique index, then is ignored: no ``IntegrityError``, nothing lost);
2. lock the rows in owner order (``commerce.core.locks``: two additions wait
   for each other, never in a circle);
3. add every row's count in one ``UPDATE ... SET n = n + CASE ...`` per chunk.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Value, When

CHUNK = 1_000


def add_to_counters(model, owner: str, field: str, counts: dict[int, int]) -> list[int]:
    """Add ``counts`` (owner id -> n) to ``model.field``, where ``owner`` is the
    row's unique owner column (``"product_id"``). Returns the owner ids added to,
    in lock order. Call inside a transaction (the locks last until it ends)."""
    added: list[int] = []
    ids = sorted(counts)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        model.objects.bulk_create([model(**{owner: pk}) for pk in chunk], ignore_conflicts=True)
        locked = list(
            model.objects.select_for_update()
            .filter(**{f"{owner}__in": chunk})
            .order_by(owner)
            .values_list(owner, flat=True)
        )
        model.objects.filter(**{f"{owner}__in": locked}).update(
            **{
                field: F(field)
                + Case(
                    *(When(**{owner: pk}, then=Value(counts[pk])) for pk in locked),
                    output_field=IntegerField(),
                )
            }
        )
        added.extend(locked)
    return added
