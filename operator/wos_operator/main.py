"""The ``wos-operator`` command: the Kopf operator with its settings from the environment."""

from __future__ import annotations

import logging
import sys

import kopf
import kubernetes.client
import kubernetes.config

from wos import errors

from wos_operator import cluster, handlers, reconciling, results, settings

logger = logging.getLogger(__name__)


def main() -> None:
    """Run the operator until it is stopped (SIGTERM or Ctrl-C)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        config = settings.from_environment()
    except errors.WosError as error:
        print(f"wos-operator: {error}", file=sys.stderr)
        sys.exit(2)

    try:
        api_client = _api_client()
    except kubernetes.config.ConfigException as error:
        print(
            f"wos-operator: no cluster to talk to ({error}); run it in a pod with a service "
            "account, or point KUBECONFIG at a cluster",
            file=sys.stderr,
        )
        sys.exit(2)

    # The default registry brings Kopf's own logins: in-cluster service account, kubeconfig.
    registry = kopf.get_default_registry()
    handlers.register(registry, build_runtime(config, api_client))
    scope = ", ".join(config.watch_namespaces) or "every namespace"
    logger.info("Watching FilmAnalyses in %s", scope)
    kopf.run(
        registry=registry,
        # One replica (the chart's Deployment uses the Recreate strategy): no peering.
        standalone=True,
        clusterwide=not config.watch_namespaces,
        namespaces=config.watch_namespaces,
        liveness_endpoint=f"http://0.0.0.0:{config.health_port}/healthz",
    )


def build_runtime(
    config: settings.OperatorSettings, api_client: kubernetes.client.ApiClient
) -> reconciling.Runtime:
    """What the handlers act through: the cluster behind ``api_client``, the database."""
    reader = results.ResultsReader(config.database_url) if config.database_url else None
    return reconciling.Runtime(
        settings=config, cluster=cluster.Cluster(api_client), results=reader
    )


def _api_client() -> kubernetes.client.ApiClient:
    """In a pod, its service account; elsewhere, the current kubeconfig context."""
    try:
        kubernetes.config.load_incluster_config()  # type: ignore[no-untyped-call]
    except kubernetes.config.ConfigException:
        kubernetes.config.load_kube_config()  # type: ignore[no-untyped-call]
    return kubernetes.client.ApiClient()
