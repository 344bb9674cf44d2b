"""Page tokens: signed, scoped to their query, bounded to its range; tampering is a 400."""

from __future__ import annotations

import base64

import pytest
from api_samples import AUTH, MEMBER, PHONE, QUIET_MEMBER, api_config
from hypothesis import given
from hypothesis import strategies as st

from api import create_app
from api.paging import BadPageToken, PageTokens, split_page, token_secret

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures

TOKENS = PageTokens(b"secret")
START, STOP = b"0a" + b"m-1|", b"0a" + b"m-1}"


def test_token_round_trip():
    token = TOKENS.issue("scope", START + b"99998872")
    assert TOKENS.resume_key(token, "scope", START, STOP) == START + b"99998872"
    assert token.isascii() and "=" not in token


@given(key=st.binary(min_size=1, max_size=80))
def test_round_trip_any_key(key):
    tokens = PageTokens(b"k")
    assert tokens.resume_key(tokens.issue("s", key), "s", b"", b"\xff" * 81) == key


def test_other_scope_is_rejected():
    token = TOKENS.issue("member_daily|m-1||", START + b"1")
    with pytest.raises(BadPageToken):
        TOKENS.resume_key(token, "member_daily|m-2||", START, STOP)


def test_other_secret_is_rejected():
    token = PageTokens(b"other").issue("scope", START + b"1")
    with pytest.raises(BadPageToken):
        TOKENS.resume_key(token, "scope", START, STOP)


def test_key_outside_range_is_rejected_even_if_signed():
    token = TOKENS.issue("scope", b"0b" + b"m-9|1")
    with pytest.raises(BadPageToken, match="outside"):
        TOKENS.resume_key(token, "scope", START, STOP)


@pytest.mark.parametrize("token", ["", "!!!", "é", "AAAA", "a" * 3, base64.urlsafe_b64encode(
    b"\x02" + b"k" * 30).decode()])
def test_garbage_is_rejected(token):
    with pytest.raises(BadPageToken):
        TOKENS.resume_key(token, "scope", START, STOP)


@given(position=st.integers(min_value=0, max_value=200), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_rejected(position, bit):
    raw = bytearray(base64.urlsafe_b64decode(TOKENS.issue("scope", START + b"1") + "=="))
    position %= len(raw)
    raw[position] ^= 1 << bit
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(BadPageToken):
        TOKENS.resume_key(tampered, "scope", START, STOP)


def test_split_page():
    rows = [(b"a", 1), (b"b", 2), (b"c", 3)]
    assert split_page(rows, 2) == ([(b"a", 1), (b"b", 2)], b"c")
    assert split_page(rows, 3) == (rows, None)
    assert split_page([], 3) == ([], None)


def test_secret_configured_derived_or_random():
    assert token_secret(b"set", ["k"]) == b"set"
    assert token_secret(None, ["a", "b"]) == token_secret(None, ["b", "a"])
    assert token_secret(None, ["a"]) != token_secret(None, ["b"])
    assert token_secret(None, []) != token_secret(None, [])


def _first_token(api_client, path, **query):
    response = api_client.get(path, headers=AUTH, query_string={"page_size": 2, **query})
    return response.json["next_page_token"]


def test_tampered_token_is_400_on_page_token(api_client):
    token = _first_token(api_client, "/v1/members/%s/daily" % MEMBER)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH,
                          query_string={"page_size": 2, "page_token": tampered})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["page_token"]


def test_token_of_one_member_is_400_for_another(api_client):
    token = _first_token(api_client, "/v1/members/%s/daily" % MEMBER)
    response = api_client.get("/v1/members/%s/daily" % QUIET_MEMBER, headers=AUTH,
                          query_string={"page_token": token})
    assert response.status_code == 400


def test_token_with_changed_filters_is_400(api_client):
    token = _first_token(api_client, "/v1/members/%s/events" % MEMBER)
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH,
                          query_string={"page_token": token, "type": "purchase"})
    assert response.status_code == 400


def test_token_of_daily_is_400_on_events(api_client):
    token = _first_token(api_client, "/v1/members/%s/daily" % MEMBER)
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH,
                          query_string={"page_token": token})
    assert response.status_code == 400


def test_page_size_may_change_between_pages(api_client):
    token = _first_token(api_client, "/v1/members/%s/daily" % MEMBER)
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH,
                          query_string={"page_token": token, "page_size": 5})
    assert response.status_code == 200
    assert response.json["items"][0]["date"] == "2026-11-25"


def test_tokens_survive_a_restart_with_the_same_keys(fake_pool):
    config = api_config(fake_pool, PAGE_TOKEN_KEY=None)
    first = create_app(config).test_client()
    token = _first_token(first, "/v1/devices/%s/daily" % PHONE)
    second = create_app(config).test_client()
    response = second.get("/v1/devices/%s/daily" % PHONE, headers=AUTH,
                          query_string={"page_token": token})
    assert response.status_code == 200
