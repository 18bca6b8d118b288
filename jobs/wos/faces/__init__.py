"""Face engines: find the faces in a frame and embed each one as a unit vector."""
