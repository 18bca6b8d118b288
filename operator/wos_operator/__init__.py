"""The Kopf operator that drives a FilmAnalysis from submission to results.

Layers, lowest first; a module imports only from the layers below it:

1. ``settings``, ``resource``: the operator's settings and the FilmAnalysis's names.
2. ``specs``, ``naming``: a FilmAnalysis spec read and checked; child names and labels.
3. ``manifests``, ``gallery``, ``spark``: the Kubernetes objects each phase creates.
4. ``cluster``, ``results``: the Kubernetes API and the results database.
5. ``reconciling``: one step of the state machine, Pending -> Gallery -> Analyzing -> done.
6. ``handlers``, ``main``: the Kopf handlers (thin) and the ``wos-operator`` command.
"""
