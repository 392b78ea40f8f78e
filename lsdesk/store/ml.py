"""The SQL of ML backends and the predictions they make (a mixin of ProjectStore)."""


class ModelStore:
    """Methods use self._read() and self._write() of ProjectStore."""
