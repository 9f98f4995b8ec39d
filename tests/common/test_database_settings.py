"""Database settings refuse a connection Echo cannot work through."""

import pytest
from pydantic import SecretStr, ValidationError

from services.common.settings import DatabaseSettings

POOLER_HOST = "aws-0-eu-central-1.pooler.supabase.com"


def test_supabase_transaction_pooler_is_refused_with_the_reason() -> None:
    url = f"postgresql://postgres.ref:pw@{POOLER_HOST}:6543/postgres"
    with pytest.raises(ValidationError, match="transaction pooler"):
        DatabaseSettings(database_url=SecretStr(url))


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres.ref:pw@{POOLER_HOST}:5432/postgres",  # the session pooler
        "postgresql://postgres:pw@db.ref.supabase.co:5432/postgres",  # the direct connection
        "postgresql://echo:pw@127.0.0.1:6543/echo",  # a Postgres of one's own on that port
    ],
)
def test_session_pooler_direct_and_other_hosts_are_accepted(url: str) -> None:
    assert DatabaseSettings(database_url=SecretStr(url)).database_url.get_secret_value() == url
