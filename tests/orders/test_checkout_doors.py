"""What the checkout doors share (``commerce.checkout.doors``): the page's
idempotency key, the card form turned into a token or a message on the form,
and the total the buyer saw next to their delivery option."""

from django.http import QueryDict

from commerce.checkout import doors
from commerce.checkout.forms import CardForm

VISA = "4242 4242 4242 4242"


def card_form(number: str, expiry: str = "12/39", cvc: str = "123") -> CardForm:
    form = CardForm({"number": number, "expiry": expiry, "cvc": cvc})
    assert form.is_valid(), form.errors
    return form


def test_a_fresh_key_is_new_each_time_and_a_posted_key_is_kept_to_64_characters():
    assert doors.new_idempotency_key() != doors.new_idempotency_key()
    assert doors.posted_idempotency_key(QueryDict("idempotency_key=" + "k" * 100)) == "k" * 64
    assert doors.posted_idempotency_key(QueryDict("idempotency_key=")) is None
    assert doors.posted_idempotency_key(QueryDict("")) is None


def test_a_card_the_gateway_accepts_becomes_its_token():
    form = card_form(VISA)

    token = doors.card_token(form)

    assert token.startswith("tok_sandbox_")
    assert form.errors == {}


def test_a_card_the_gateway_refuses_is_a_message_on_the_form_and_no_token():
    form = card_form("4242 4242 4242 4241")  # fails the check digit

    assert doors.card_token(form) is None
    assert form.non_field_errors() == ["That card number is not valid."]


def test_the_expected_total_is_the_one_shown_next_to_the_chosen_option():
    posted = QueryDict("expected_total_standard=10.00&expected_total_express=25.00")

    assert doors.posted_expected_total(posted, "express") == "25.00"
    assert doors.posted_expected_total(posted, "pickup") is None
