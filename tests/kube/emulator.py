"""kmock's Kubernetes emulator with the behaviour of a real API server that Kopf and kubectl
rely on and kmock 0.8 lacks (see ../shared/ENVIRONMENT.md).

- Objects get a name from their generateName, a uid, a creationTimestamp, a generation
  bumped on spec changes, and a resourceVersion bumped on every write; lists carry the
  latest resourceVersion.
- A watch that starts from a resourceVersion does not re-send older objects as ADDED
  (Kopf would otherwise run its creation handlers twice).
- A JSON patch whose ``test`` operation fails answers 422, as the API server does.
- Writes through ``/status`` change only the status; other writes never change it,
  for resources that declare the status subresource.
- ``kubectl get`` of a custom resource gets a server-side Table built from the CRD's
  printer columns.
- ``/api/v1/namespaces`` lists and watches the namespaces in ``namespaces`` (kmock 0.8
  answers 500), so Kopf can watch chosen namespaces. Namespaces added later are not
  announced to running watches.
- Every response closes its connection, so stopping the server never waits on idle
  keep-alive connections.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import json
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp.web
import attrs
import jsonpatch
import kmock
from kmock._internal import rendering


@attrs.define(kw_only=True)
class KubernetesEmulator(kmock.KubernetesEmulator):
    """The emulator with uids, resource versions, 422s, status separation and Tables."""

    _revision: int = attrs.field(default=0, init=False)
    _printer_columns: dict[Any, list[dict[str, Any]]] = attrs.field(factory=dict, init=False)
    namespaces: set[str] = attrs.field(factory=lambda: {"default"})

    def declare_crd(self, crd: Mapping[str, Any]) -> None:
        """Serve the custom resource a CRD defines (its first served version)."""
        names = crd["spec"]["names"]
        version = next(v for v in crd["spec"]["versions"] if v.get("served", True))
        key = f"{crd['spec']['group']}/{version['name']}/{names['plural']}"
        self.resources[key] = kmock.ResourceInfo(
            kind=names["kind"],
            singular=names.get("singular", names["kind"].lower()),
            shortnames=names.get("shortNames", ()),
            categories=names.get("categories", ()),
            namespaced=crd["spec"]["scope"] == "Namespaced",
            verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
            subresources=["status"] if "status" in version.get("subresources", {}) else [],
        )
        self._printer_columns[kmock.resource(key)] = version.get("additionalPrinterColumns", [])

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        if raw_request.path.rstrip("/") == "/api/v1/namespaces":
            return await self._serve_namespaces(raw_request)
        return await super().__call__(raw_request)

    async def _handle(self, request: rendering.Request) -> aiohttp.web.StreamResponse:
        if request.resource is not None and self._wants_table(request):
            response: aiohttp.web.StreamResponse = self._table(request)
        else:
            if request.resource is not None:
                self._stamp(request)
            response = await super()._handle(request)
        response.force_close()
        return response

    # --- writes ---------------------------------------------------------------------

    def _stamp(self, request: rendering.Request) -> None:
        """Add to the request's object the metadata a real API server would add.

        kmock finds its requests by identity, so the frozen request is changed in place.
        """
        if request.action == kmock.action.CREATE and isinstance(request.data, Mapping):
            object.__setattr__(request, "data", self._created(request))
        elif request.action == kmock.action.UPDATE and request.name is not None:
            object.__setattr__(request, "data", self._patched(request))

    def _created(self, request: rendering.Request) -> dict[str, Any]:
        data = copy.deepcopy(dict(request.data))
        metadata = data.setdefault("metadata", {})
        if request.namespace and not metadata.get("namespace"):
            metadata["namespace"] = request.namespace
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = metadata["generateName"] + uuid.uuid4().hex[:5]
        metadata["uid"] = str(uuid.uuid4())
        metadata["creationTimestamp"] = _now()
        metadata["generation"] = 1
        metadata["resourceVersion"] = self._next_revision()
        return data

    def _patched(self, request: rendering.Request) -> Any:
        current = self._current(request)
        revision = self._next_revision()
        if isinstance(request.data, list):
            # Apply it here first: a failed `test` must answer 422, not 500.
            try:
                jsonpatch.apply_patch(current, request.data, in_place=False)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
                raise kmock.KubernetesError(
                    status=422, reason="Invalid", message=f"the JSON patch failed: {error}"
                ) from None
            return [*request.data, {"op": "add", "path": "/metadata/resourceVersion",
                                    "value": revision}]

        patch = copy.deepcopy(dict(request.data or {}))
        if self._has_status(request):
            if request.subresource == "status":
                patch = {"status": patch.get("status")} if "status" in patch else {}
            else:
                patch.pop("status", None)
        metadata = patch.setdefault("metadata", {}) or {}
        patch["metadata"] = metadata
        metadata["resourceVersion"] = revision
        if "spec" in patch and current.get("spec") != _merged(current.get("spec"), patch["spec"]):
            metadata["generation"] = int(current.get("metadata", {}).get("generation", 1)) + 1
        return patch

    def _current(self, request: rendering.Request) -> dict[str, Any]:
        key = (request.resource, request.namespace, request.name)
        if key not in self.objects or self.objects[key].deleted:
            raise kmock.KubernetesObjectNotFoundError()
        return copy.deepcopy(self.objects[key].raw)

    def _has_status(self, request: rendering.Request) -> bool:
        for resource in self.resources:
            if resource == request.resource:
                return "status" in self.resources[resource].subresources
        return False

    def _next_revision(self) -> str:
        self._revision += 1
        return str(self._revision)

    # --- reads ----------------------------------------------------------------------

    async def _serve_list(self, request: rendering.Request) -> rendering.Payload:
        payload = await super()._serve_list(request)
        assert isinstance(payload, dict)  # the emulator's lists are plain dicts
        payload["metadata"]["resourceVersion"] = str(self._revision)
        return payload

    async def _serve_watch(self, request: rendering.Request) -> AsyncIterator[rendering.Payload]:
        since = _revision_of(request.params.get("resourceVersion"))
        async for event in super()._serve_watch(request):
            if since is not None and isinstance(event, dict) and event.get("type") == "ADDED":
                metadata = event.get("object", {}).get("metadata", {})
                if (_revision_of(metadata.get("resourceVersion")) or 0) <= since:
                    continue  # the watcher has seen this version already
            yield event

    async def _serve_namespaces(
        self, raw_request: aiohttp.web.BaseRequest
    ) -> aiohttp.web.StreamResponse:
        namespaces = [
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": name, "resourceVersion": "1"}, "status": {"phase": "Active"}}
            for name in sorted(self.namespaces)
        ]
        if raw_request.query.get("watch") not in ("true", "1"):
            listing = {"apiVersion": "v1", "kind": "NamespaceList",
                       "metadata": {"resourceVersion": "1"}, "items": namespaces}
            response = aiohttp.web.json_response(listing)
            response.force_close()
            return response

        # A watch from the list's version has seen them all; a fresh one gets each as ADDED.
        stream = aiohttp.web.StreamResponse()
        stream.force_close()
        await stream.prepare(raw_request)
        if raw_request.query.get("resourceVersion") != "1":
            for namespace in namespaces:
                line = json.dumps({"type": "ADDED", "object": namespace}) + "\n"
                await stream.write(line.encode())
        while raw_request.transport is not None and not raw_request.transport.is_closing():
            await asyncio.sleep(0.2)  # nothing ever changes; end when the watcher leaves
        return stream

    # --- tables for kubectl get -----------------------------------------------------

    def _wants_table(self, request: rendering.Request) -> bool:
        accept = request.headers.get("Accept", "")
        return (
            request.action in (kmock.action.LIST, kmock.action.FETCH)
            and "as=Table" in accept
            and request.resource in self._printer_columns
        )

    def _table(self, request: rendering.Request) -> aiohttp.web.StreamResponse:
        columns = self._printer_columns[request.resource]
        objects = [
            obj.raw
            for (resource, namespace, name), obj in self.objects.items()
            if resource == request.resource and not obj.deleted
            and (request.namespace is None or namespace == request.namespace)
            and (request.name is None or name == request.name)
        ]
        if request.name is not None and not objects:
            raise kmock.KubernetesObjectNotFoundError()
        definitions = [{"name": "Name", "type": "string", "format": "name", "priority": 0,
                        "description": "Name of the object."}]
        definitions += [
            {"name": c["name"], "type": c["type"], "format": c.get("format", ""),
             "priority": c.get("priority", 0), "description": c.get("description", "")}
            for c in columns
        ]
        rows = [
            {
                "cells": [obj["metadata"]["name"], *(_cell(obj, c) for c in columns)],
                "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                           "metadata": obj["metadata"]},
            }
            for obj in sorted(objects, key=lambda o: o["metadata"]["name"])
        ]
        table = {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": str(self._revision)},
            "columnDefinitions": definitions,
            "rows": rows,
        }
        return aiohttp.web.json_response(table, dumps=json.dumps)


def _cell(obj: Mapping[str, Any], column: Mapping[str, Any]) -> Any:
    """A printer column's value, as the API server renders it (dates as an age)."""
    value: Any = obj
    for part in column["jsonPath"].lstrip(".").split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is not None and column["type"] == "date":
        return _age(datetime.datetime.fromisoformat(str(value)))
    return value


def _age(moment: datetime.datetime) -> str:
    seconds = max(0, int((datetime.datetime.now(datetime.UTC) - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 180:
        return f"{minutes}m"
    return f"{minutes // 60}h"


def _merged(current: Any, patch: Any) -> Any:
    """``current`` after a JSON merge patch (RFC 7386)."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(current) if isinstance(current, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merged(result.get(key), value)
    return result


def _revision_of(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
