"""Registers the tracing frontend's converters through the plugin hooks."""

from siglite.plugins import hookimpl


@hookimpl
def register_frontends(register):
    from .convert import from_concrete_functions, from_saved_model

    register("saved_model", from_saved_model, "siglite saved-model directories (sl.saved_model)")
    register("concrete_functions", from_concrete_functions, "traced sl.function graphs")
