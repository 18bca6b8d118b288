"""Fixtures of the operator tests: the emulated cluster, a user's view of it, the operator."""

from __future__ import annotations

import kubernetes.client
import pytest
from film_analyses import FAST, UserView
from kube.fixtures import (  # noqa: F401
    api_client,
    kube_emulator,
    kubeconfig,
    running_operator,
)

from wos_operator import settings


@pytest.fixture
def operator_settings() -> settings.OperatorSettings:
    return FAST


@pytest.fixture
def user(api_client: kubernetes.client.ApiClient) -> UserView:  # noqa: F811
    return UserView(api_client)
