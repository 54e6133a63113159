"""Find the adapters through the ``carehub.adapters`` entry points; fail loudly when one is wrong."""

from importlib.metadata import entry_points

from flask import current_app

from hub.careprovider.adapter import Adapter

GROUP = 'carehub.adapters'


class AdapterLoadError(RuntimeError):
    """An adapter is missing, listed twice or not an Adapter: carehub must not start."""


def load_adapters(points=None) -> dict[str, type[Adapter]]:
    """Return name -> adapter class for every registered adapter."""
    points = entry_points(group=GROUP) if points is None else points
    adapters = {}
    for point in points:
        if point.name in adapters:
            raise AdapterLoadError(f'adapter {point.name!r} is registered twice ({point.value})')
        try:
            cls = point.load()
        except Exception as exc:
            raise AdapterLoadError(f'adapter {point.name!r} ({point.value}) failed to load: {exc}') from exc
        if not (isinstance(cls, type) and issubclass(cls, Adapter)):
            raise AdapterLoadError(f'adapter {point.name!r} ({point.value}) is not an Adapter')
        if cls.name != point.name:
            raise AdapterLoadError(f'adapter {point.name!r} calls itself {cls.name!r}')
        adapters[point.name] = cls
    if not adapters:
        raise AdapterLoadError('no adapters are registered: is carehub installed (pip install -e .)?')
    return adapters


def adapter_class(name: str) -> type[Adapter]:
    """Return the adapter class registered as ``name``."""
    adapters = current_app.extensions['carehub.adapters']
    if name not in adapters:
        raise AdapterLoadError(f'unknown adapter {name!r}; known: {", ".join(sorted(adapters))}')
    return adapters[name]
