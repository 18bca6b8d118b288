"""The Kopf handlers: thin, each hands its FilmAnalysis to the module that does the work.

One timer per FilmAnalysis drives its run. A timer never overlaps itself, so the steps of
one FilmAnalysis happen one at a time, however many events arrive meanwhile.
"""

from __future__ import annotations

import logging
from typing import Any

import kopf

from wos import errors

from wos_operator import reconciling, resource

# Kopf keeps its own bookkeeping under the project's domain, not under kopf.zalando.org.
_PREFIX = resource.GROUP
_FINALIZER = f"{resource.GROUP}/stop-children"


def register(registry: kopf.OperatorRegistry, runtime: reconciling.Runtime) -> None:
    """Add the operator's handlers to ``registry``; they act through ``runtime``."""
    poll = runtime.settings.poll_seconds

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.persistence.finalizer = _FINALIZER
        settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=_PREFIX)
        settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
            prefix=_PREFIX, key="last-handled-configuration"
        )
        # The operator's own Events tell the story of a run; Kopf adds only its errors.
        settings.posting.level = logging.ERROR

    @kopf.timer(
        resource.GROUP, resource.VERSION, resource.PLURAL,
        id="reconcile", interval=poll, backoff=poll, registry=registry,
    )
    def reconcile(
        name: str,
        namespace: str | None,
        body: kopf.Body,
        logger: logging.Logger | logging.LoggerAdapter[Any],
        **_: Any,
    ) -> None:
        # A finished run whose spec has not changed needs no call to the API server.
        finished = (body.get("status") or {}).get("phase") in resource.FINISHED
        if finished and reconciling.is_current_run(body):
            return
        try:
            reconciling.reconcile(
                runtime, namespace=str(namespace), name=name, logger=logger
            )
        except errors.DatabaseError as error:
            raise kopf.TemporaryError(str(error), delay=poll) from error

    @kopf.on.delete(
        resource.GROUP, resource.VERSION, resource.PLURAL,
        id="stop-children", backoff=poll, registry=registry,
    )
    def stop_children(
        name: str,
        namespace: str | None,
        logger: logging.Logger | logging.LoggerAdapter[Any],
        **_: Any,
    ) -> None:
        deleted = runtime.cluster.delete_children(str(namespace), name)
        logger.info("Deleted with its run: %s", ", ".join(deleted) or "no children")
