"""Reading a film: probe it, cut it into time segments, decode a segment's sampled frames.

``probing.probe_film`` asks ffprobe what the film is; ``segments.plan_segments`` cuts its
timeline into half-open segments; ``decoding.decode_segment`` yields the sampled frames of
one segment with their true presentation times. Every sampled frame belongs to exactly one
segment, so segments can be decoded by different Spark tasks in any order.
``sources.resolve`` turns the film's name into what ffmpeg opens: an absolute path, the
URL, or for an s3:// film a presigned https URL that ``s3`` signs on the driver.
"""
