"""The one exception the stack raises: a message meant for a person."""


class StackError(RuntimeError):
    """Something about the local stack needs the user's attention."""
