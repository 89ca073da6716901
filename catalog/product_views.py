"""Product page views, counted in Redis and applied to Oscar's analytics in batches.

Oscar records a product view as three writes in the page's request (the
product's counter, the viewer's counter, a row in the viewer's log). Here a
view costs the page one Redis round trip (``record``): it adds to a per-product
counter hash and, for a signed-in viewer, to a per-user counter hash and a log
list. A product page served from the cache costs none of its own: the script
that reads the page counts its view (``cached_page_counted``). A periodic
drain (``product_views_drain``) moves what was recorded to a batch in one
atomic step, writes the batch to the outbox under a key made of
the batch id, and deletes the batch once that commits; the outbox handler adds
the batch to ``ProductRecord``, ``UserRecord`` and ``UserProductView`` in a
fixed number of statements, once per message (``effect_once``).

A drain that dies after moving the keys leaves its batch in place: the next
drain finishes that batch before it takes another, and the outbox key makes a
second write of the same batch a no-op, so a view is never counted twice and
never lost once recorded. Views are analytics: with Redis unreachable they are
dropped (no error, and no connection tried per view within the cache's down
window). Without Redis (the embedded default, a local-memory cache) each view
is written to the database after its commit, as Oscar does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from commerce.core.cache import FailSoftRedisCache, default_cache
from commerce.core.counters import add_to_counters
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once, outbox_emit

Product = get_model("catalogue", "Product")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")

TOPIC = "catalog.product_views"
# Log entries (a signed-in viewer's view) moved per batch; the rest wait for the
# next one. The counter hashes move whole (one field per product or viewer).
BATCH_LOG_LIMIT = 5_000
# The log keeps at most this many entries should no drain run (the oldest go).
LOG_MAX = 1_000_000
# Rows per UPDATE when counters are added.
CHUNK = 1_000

_LIVE = ("products", "users", "log")


@dataclass(frozen=True)
class Keys:
    products: str
    users: str
    log: str
    batch_id: str
    batch_products: str
    batch_users: str
    batch_log: str


_known_keys: dict[tuple, Keys] = {}


def _keys(cache: FailSoftRedisCache) -> Keys:
    known = (cache.key_prefix, cache.version, cache.key_func)
    keys = _known_keys.get(known)
    if keys is None:
        names = {name: f"catalog:views:{name}" for name in _LIVE}
        names["batch_id"] = "catalog:views:batch"
        names.update({f"batch_{name}": f"catalog:views:batch:{name}" for name in _LIVE})
        keys = _known_keys[known] = Keys(
            **{field: cache.make_key(key) for field, key in names.items()}
        )
    return keys


def _redis_cache() -> FailSoftRedisCache | None:
    cache = default_cache()
    return cache if isinstance(cache, FailSoftRedisCache) else None


# --- recording a view --------------------------------------------------------------------


def record(product_id: int, user_id: int | None) -> None:
    """Count one view of ``product_id`` (by ``user_id``, or anonymous): one Redis
    round trip, nothing at all when Redis is unreachable."""
    cache = _redis_cache()
    if cache is None:
        from catalog.tasks import record_product_view

        record_product_view.delay(product_id, user_id)
        return
    keys = _keys(cache)

    def write(client) -> None:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(keys.products, product_id, 1)
        if user_id is not None:
            pipe.hincrby(keys.users, user_id, 1)
            pipe.rpush(keys.log, f"{product_id}:{user_id}")
            pipe.ltrim(keys.log, -LOG_MAX, -1)
        pipe.execute()

    cache.run(write)


# KEYS: the cached page, live products/users/log. ARGV: product id, user id ('' for
# an anonymous visitor), the log's cap. The page, with its view counted if found.
_GET_COUNTED = """
local page = redis.call('GET', KEYS[1])
if page then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  if ARGV[2] ~= '' then
    redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
    redis.call('RPUSH', KEYS[4], ARGV[1] .. ':' .. ARGV[2])
    redis.call('LTRIM', KEYS[4], -tonumber(ARGV[3]), -1)
  end
end
return page
"""
_get_counted_script = None  # redis-py's Script: EVALSHA, loading it once if Redis lacks it


def cached_page_counted(key: str, *, product_id: int, user_id: int | None, request):
    """``cache.get(key)`` for a product's cached page, counting the view in the same
    round trip when the page is there (``request`` is marked, so the
    ``product_viewed`` its response sends is not counted again). With a cache
    that is not Redis, a plain read (the view is counted by the signal)."""
    cache = _redis_cache()
    if cache is None:
        return default_cache().get(key)
    keys = _keys(cache)
    full_key = cache.make_and_validate_key(key)

    def get_counted(client):
        global _get_counted_script
        script = _get_counted_script
        if script is None:
            script = _get_counted_script = client.register_script(_GET_COUNTED)
        return script(
            keys=[full_key, keys.products, keys.users, keys.log],
            args=[product_id, "" if user_id is None else user_id, LOG_MAX],
            client=client,
        )

    raw = cache.run(get_counted)
    if raw is None:
        return None
    request._product_view_counted = product_id
    return cache.loads(raw)


def receive_product_view(sender, product, user, request=None, **kwargs) -> None:
    """``product_viewed`` receiver (instead of Oscar's analytics one): count the
    view once the request's transaction commits (at once outside one), so a
    rolled-back request counts nothing. A page read with ``cached_page_counted``
    was counted with its read."""
    product_id = product.pk
    if request is not None and getattr(request, "_product_view_counted", None) == product_id:
        return
    user_id = user.pk if user is not None and user.is_authenticated else None
    transaction.on_commit(lambda: record(product_id, user_id), robust=True)


# --- draining to the outbox ----------------------------------------------------------------

# KEYS: batch id, live products/users/log, batch products/users/log.
# ARGV: a new batch id, the log limit. A batch left by a drain that died is
# answered again as it is; otherwise the live keys become the next batch.
_CUT = """
local id = redis.call('GET', KEYS[1])
if not id then
  local moved = false
  for i = 2, 3 do
    if redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('RENAME', KEYS[i], KEYS[i + 3])
      moved = true
    end
  end
  local entries = redis.call('LRANGE', KEYS[4], 0, tonumber(ARGV[2]) - 1)
  for start = 1, #entries, 1000 do
    redis.call('RPUSH', KEYS[7], unpack(entries, start, math.min(start + 999, #entries)))
  end
  if #entries > 0 then
    redis.call('LTRIM', KEYS[4], #entries, -1)
    moved = true
  end
  if not moved then return false end
  id = ARGV[1]
  redis.call('SET', KEYS[1], id)
end
return {id, redis.call('HGETALL', KEYS[5]), redis.call('HGETALL', KEYS[6]),
        redis.call('LRANGE', KEYS[7], 0, -1)}
"""

# KEYS: batch id, batch products/users/log. ARGV: the batch id it must still be.
_FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
"""


@dataclass(frozen=True)
class Batch:
    id: str
    products: dict[str, int]
    users: dict[str, int]
    views: list[list[int]]

    @property
    def payload(self) -> dict:
        return {
            "batch": self.id,
            "products": self.products,
            "users": self.users,
            "views": self.views,
        }

    @property
    def count(self) -> int:
        return sum(self.products.values())


def _pairs(flat: list[bytes]) -> dict[str, int]:
    return {flat[i].decode(): int(flat[i + 1]) for i in range(0, len(flat), 2)}


def batch_cut(cache: FailSoftRedisCache, *, log_limit: int = BATCH_LOG_LIMIT) -> Batch | None:
    """The batch to write: one left unfinished, or else what was recorded since
    the last one (None: nothing recorded, or Redis unreachable)."""
    keys = _keys(cache)

    def cut(client):
        return client.eval(
            _CUT,
            7,
            keys.batch_id,
            keys.products,
            keys.users,
            keys.log,
            keys.batch_products,
            keys.batch_users,
            keys.batch_log,
            uuid.uuid4().hex,
            log_limit,
        )

    found = cache.run(cut)
    if not found:
        return None
    batch_id, products, users, log = found
    views = [[int(part) for part in entry.split(b":")] for entry in log]
    return Batch(batch_id.decode(), _pairs(products), _pairs(users), views)


def batch_emit(batch: Batch) -> None:
    """Write ``batch`` to the outbox (a second write of the same batch is a no-op)."""
    with transaction.atomic():
        outbox_emit(topic=TOPIC, payload=batch.payload, key=f"product-views:{batch.id}")


def batch_finish(cache: FailSoftRedisCache, batch: Batch) -> bool:
    """Delete ``batch`` from Redis (only if it is still the current batch)."""
    keys = _keys(cache)

    def finish(client):
        return client.eval(
            _FINISH,
            4,
            keys.batch_id,
            keys.batch_products,
            keys.batch_users,
            keys.batch_log,
            batch.id,
        )

    return bool(cache.run(finish, 0))


def product_views_drain(*, rounds: int = 5, log_limit: int = BATCH_LOG_LIMIT) -> int:
    """Move recorded views to the outbox, a batch at a time (up to ``rounds``
    while batches come full); returns how many views were moved. The batch is
    deleted from Redis only once its outbox row has committed."""
    cache = _redis_cache()
    if cache is None:
        return 0
    moved = 0
    done: set[str] = set()
    for _ in range(rounds):
        batch = batch_cut(cache, log_limit=log_limit)
        if batch is None or batch.id in done:  # the last one awaits an outer commit
            break
        done.add(batch.id)
        batch_emit(batch)
        transaction.on_commit(lambda batch=batch: batch_finish(cache, batch), robust=True)
        moved += batch.count
        if len(batch.views) < log_limit:
            break
    return moved


# --- applying a batch ----------------------------------------------------------------------


def product_views_apply(
    *, products: dict[int, int], users: dict[int, int], views: list[tuple[int, int]]
) -> None:
    """Add a batch of views to Oscar's analytics: each product's views, each
    viewer's views and their log. Products and users deleted since are skipped."""
    product_ids = set(products) | {product_id for product_id, _ in views}
    user_ids = set(users) | {user_id for _, user_id in views}
    live_products = set(Product.objects.filter(pk__in=product_ids).values_list("pk", flat=True))
    live_users = set(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    add_to_counters(
        ProductRecord,
        "product_id",
        "num_views",
        {pk: n for pk, n in products.items() if pk in live_products},
    )
    add_to_counters(
        UserRecord,
        "user_id",
        "num_product_views",
        {pk: n for pk, n in users.items() if pk in live_users},
    )
    UserProductView.objects.bulk_create(
        [
            UserProductView(product_id=product_id, user_id=user_id)
            for product_id, user_id in views
            if product_id in live_products and user_id in live_users
        ],
        batch_size=CHUNK,
    )


@register(TOPIC)
def _apply_batch(message) -> None:
    payload = message.payload
    effect_once(
        message,
        lambda: product_views_apply(
            products={int(pk): n for pk, n in payload["products"].items()},
            users={int(pk): n for pk, n in payload["users"].items()},
            views=[(product_id, user_id) for product_id, user_id in payload["views"]],
        ),
    )
