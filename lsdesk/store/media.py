"""The SQL of media roots, storages and packed media (a mixin of ProjectStore)."""


class MediaStore:
    """Methods use self._read() and self._write() of ProjectStore."""
