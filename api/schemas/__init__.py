"""marshmallow schemas of every input and output of the lookup API."""
