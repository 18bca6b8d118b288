"""A Kubernetes API emulator (kmock) that behaves enough like a real API server for Kopf
and kubectl, with pytest fixtures; shared by the operator tests and the end-to-end test.

Use it from a test folder's conftest.py::

    from kube.fixtures import api_client, kube_emulator, kubeconfig  # noqa: F401
"""
