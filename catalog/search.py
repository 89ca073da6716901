"""Product search: a stored, weighted search document and the query over it.

Every product carries its search document (``Product.search_text``,
``search_skus`` and, on PostgreSQL, the weighted ``search_vector``):

    A  title, UPC and partner SKUs
    B  attribute values, category names (with their ancestors)
    C  description (tags stripped)

``reindex(ids)`` rebuilds the documents of some products in a fixed number
of queries per chunk of products (one UPDATE for the chunk on PostgreSQL).
Model signals keep them current for every write path that saves models
(dashboard, admin, API); bulk paths (imports, demo seeding) call ``reindex``
themselves, or wrap their work in ``deferred()`` so many signals cost one
rebuild at the end.

The query (``matching``) on PostgreSQL: the words of the query, each
widened by typo corrections from the vocabulary (``SearchTerm``, matched by
trigram similarity and kept when within one or two edits), as a prefix
tsquery against the GIN-indexed vector, OR a SKU prefix against the
trigram-indexed SKU column; ranked by ``ts_rank`` with SKU hits first.
Elsewhere (SQLite) the same words and corrections match as substrings of
``search_text``.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags
from oscar.core.loading import get_model

from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
SearchTerm = get_model("catalogue", "SearchTerm")
StockRecord = get_model("partner", "StockRecord")

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_WORD, MAX_WORD = 2, 40
CONFIG = "english"  # also spelt out in UPDATE_SQL
CHUNK = 500
MAX_QUERY_WORDS = 8
# Vocabulary candidates for a misspelt word: trigram similarity at least this...
CANDIDATE_SIMILARITY = 0.15
CANDIDATES = 40
# ...and then within this many edits (by word length).
TYPO_LENGTH = 4
VOCABULARY_VERSION_KEY = "catalog:search-vocabulary-version"
CORRECTIONS_TIMEOUT = 60 * 60


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if MIN_WORD <= len(w) <= MAX_WORD]


# --- building documents ------------------------------------------------------------------


def _documents(product_ids: list[int]) -> dict[int, tuple[str, str, str, str]]:
    """product id -> (A text, SKU text, B text, C text)."""
    rows = Product.objects.filter(pk__in=product_ids).values_list(
        "pk", "title", "upc", "description"
    )
    title, skus, attrs, description = {}, defaultdict(list), defaultdict(list), {}
    for pk, name, upc, text in rows:
        title[pk] = name or ""
        description[pk] = strip_tags(text or "")
        if upc:
            skus[pk].append(upc)
    if not title:
        return {}
    for pk, sku in StockRecord.objects.filter(product_id__in=list(title)).values_list(
        "product_id", "partner_sku"
    ):
        if sku:
            skus[pk].append(sku)
    values = ProductAttributeValue.objects.filter(product_id__in=list(title)).values_list(
        "product_id",
        "value_text",
        "value_integer",
        "value_float",
        "value_option__option",
    )
    for pk, *parts in values:
        attrs[pk].extend(str(p) for p in parts if p not in (None, ""))
    links = list(
        ProductCategory.objects.filter(product_id__in=list(title)).values_list(
            "product_id", "category__path"
        )
    )
    if links:
        step = Category.steplen
        prefixes = {path[:n] for _pk, path in links for n in range(step, len(path) + 1, step)}
        names = dict(Category.objects.filter(path__in=prefixes).values_list("path", "name"))
        for pk, path in links:
            for n in range(step, len(path) + 1, step):
                if path[:n] in names:
                    attrs[pk].append(names[path[:n]])
    return {
        pk: (
            title[pk],
            " ".join(dict.fromkeys(skus[pk])),
            " ".join(dict.fromkeys(attrs[pk])),
            description[pk],
        )
        for pk in title
    }


# One statement per chunk: the chunk's documents as parallel arrays, joined on the id.
UPDATE_SQL = (
    "UPDATE catalogue_product AS p SET search_text = v.t, search_skus = v.s, search_vector = "
    "setweight(to_tsvector('english', v.a), 'A') || setweight(to_tsvector('simple', v.sku), 'A')"
    " || setweight(to_tsvector('english', v.b), 'B') || setweight(to_tsvector('english', v.c),"
    " 'C') FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],"
    " %s::text[]) AS v(id, t, s, a, sku, b, c) WHERE p.id = v.id"
)


def reindex(product_ids: Iterable[int]) -> int:
    """Rebuild the search documents of these products; returns how many were written.

    A fixed number of queries per chunk of ``CHUNK`` products: the reads of
    ``_documents``, one UPDATE (PostgreSQL; one statement per product on SQLite)
    and one insert of new vocabulary.
    """
    ids = sorted({pk for pk in product_ids if pk is not None})
    written = 0
    for start in range(0, len(ids), CHUNK):
        docs = _documents(ids[start : start + CHUNK])
        if not docs:
            continue
        vocabulary: set[str] = set()
        rows = []
        for pk, (a, sku, b, c) in docs.items():
            text = " ".join(words(f"{a} {sku} {b} {c}"))
            sku_text = f" {sku.lower()} " if sku else ""
            vocabulary.update(words(f"{a} {b}"))
            rows.append((pk, text, sku_text, a, sku, b, c))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(UPDATE_SQL, [list(column) for column in zip(*rows, strict=True)])
            else:
                cursor.executemany(
                    "UPDATE catalogue_product SET search_text = %s, search_skus = %s WHERE id = %s",
                    [(t, s, pk) for pk, t, s, *_rest in rows],
                )
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=w) for w in sorted(vocabulary)], ignore_conflicts=True
        )
        written += len(rows)
    if written:
        cache_version_bump(VOCABULARY_VERSION_KEY)  # cached corrections
    return written


def reindex_all(progress=lambda n: None) -> int:
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), CHUNK * 4):
        total += reindex(ids[start : start + CHUNK * 4])
        progress(total)
    return total


# --- keeping documents current -------------------------------------------------------------

_state = threading.local()


@contextmanager
def deferred():
    """Collect the products that signals mark inside the block; rebuild them once at its end."""
    outer = getattr(_state, "pending", None)
    if outer is not None:
        yield outer
        return
    _state.pending = pending = set()
    try:
        yield pending
    finally:
        _state.pending = None
    reindex(pending)


def mark(product_ids: Iterable[int]) -> None:
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(product_ids)
    else:
        reindex(product_ids)


SEARCHED_FIELDS = {"title", "upc", "description"}


def _on_product(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not SEARCHED_FIELDS & set(update_fields)):
        return
    mark([instance.pk])


def _on_related(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_id = getattr(instance, "product_id", None)
    if product_id is not None and Product.objects.filter(pk=product_id).exists():
        mark([product_id])


def _on_category(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    mark(
        ProductCategory.objects.filter(category__path__startswith=instance.path).values_list(
            "product_id", flat=True
        )
    )


def _on_stockrecord(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "partner_sku" not in update_fields):
        return
    _on_related(sender, instance)


def connect() -> None:
    post_save.connect(_on_product, sender=Product, dispatch_uid="search-product")
    for model in (ProductAttributeValue, ProductCategory):
        post_save.connect(_on_related, sender=model, dispatch_uid=f"search-save-{model}")
        post_delete.connect(_on_related, sender=model, dispatch_uid=f"search-del-{model}")
    post_save.connect(_on_stockrecord, sender=StockRecord, dispatch_uid="search-stockrecord")
    post_delete.connect(_on_related, sender=StockRecord, dispatch_uid="search-del-stockrecord")
    post_save.connect(_on_category, sender=Category, dispatch_uid="search-category")


# --- querying --------------------------------------------------------------------------------


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (transpositions count one), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _allowed_edits(word: str) -> int:
    return 0 if len(word) < TYPO_LENGTH else 1 if len(word) < 8 else 2


def vocabulary_version() -> str:
    """Bumped by every rebuild of search documents (the vocabulary may have grown)."""
    return cache_version(VOCABULARY_VERSION_KEY)


register_read_ahead(lambda request: [VOCABULARY_VERSION_KEY])


def corrections(word: str) -> list[str]:
    """Vocabulary words a misspelt ``word`` may have meant (empty when it is a known word).

    Cached per word under the vocabulary's version, which every rebuild of search
    documents bumps (a new word may be a better correction, or make ``word`` known)."""
    limit = _allowed_edits(word)
    if not limit or word.isdigit():
        return []
    key = f"catalog:search-corrections:{vocabulary_version()}:{word}"
    found = cache.get(key)
    if found is None:
        found = _corrections(word, limit)
        cache.set(key, found, CORRECTIONS_TIMEOUT)
    return found


def _corrections(word: str, limit: int) -> list[str]:
    if SearchTerm.objects.filter(word=word).exists():
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        candidates = SearchTerm.objects.annotate(similarity=TrigramSimilarity("word", word)).filter(
            similarity__gte=CANDIDATE_SIMILARITY
        )
        candidates = candidates.order_by("-similarity", "word").values_list("word", flat=True)[
            :CANDIDATES
        ]
    else:
        candidates = (
            SearchTerm.objects.annotate(size=Length("word"))
            .filter(word__startswith=word[0], size__lte=len(word) + limit)
            .values_list("word", flat=True)
        )
    return [w for w in candidates if _edits(word, w, limit) <= limit][:5]


def _tsquery_term(alternatives: list[str]) -> str:
    terms = " | ".join(f"'{w}':*" for w in alternatives)
    return f"({terms})"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` narrowed to products matching ``query``, annotated ``search_rank``."""
    query = query.strip().lower()
    terms = list(dict.fromkeys(WORD.findall(query)))[:MAX_QUERY_WORDS]
    if not terms:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    alternatives = [[w, *corrections(w)] for w in terms]
    sku = Q(search_skus__contains=f" {query}") if len(query) >= 2 else Q(pk__in=[])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        tsquery = SearchQuery(
            " & ".join(_tsquery_term(alts) for alts in alternatives),
            config=CONFIG,
            search_type="raw",
        )
        sku_rank = Case(When(sku, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        return queryset.filter(Q(search_vector=tsquery) | sku).annotate(
            search_rank=SearchRank(F("search_vector"), tsquery) + sku_rank
        )
    text = Q()
    for alts in alternatives:
        any_of = Q()
        for w in alts:
            any_of |= Q(search_text__contains=w)
        text &= any_of
    first = alternatives[0][0]
    rank = Case(
        When(sku, then=Value(2.0)),
        When(title__icontains=first, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return queryset.filter(text | sku).annotate(search_rank=rank)


def ranked(queryset: QuerySet) -> QuerySet:
    return queryset.order_by(F("search_rank").desc(), "title", "pk")
