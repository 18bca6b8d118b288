"""The analysis: a Spark application that turns a film and a cast into screen time.

``application`` runs one analysis; ``segments_task`` is what a Spark task does with one
segment; ``screentime`` aggregates detections into minutes, people and appearances (plain
Python); ``settings``, ``identity`` and ``sessions`` hold the knobs, the default analysis id
and the Spark session.
"""
