"""The gallery: reference faces of a cast, built from a cast folder, and matching faces to it."""
