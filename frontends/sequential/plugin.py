"""Registers the Keras-like frontend through the plugin hooks, like any third-party plugin."""

from siglite.plugins import hookimpl


@hookimpl
def register_frontends(register):
    from .build import convert_keras_model

    register("keras", convert_keras_model, "Keras-like Sequential models (siglite.keras)")
