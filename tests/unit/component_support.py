"""Create the project's NLU components as Rasa does, without a trained model (a helper module
imported by the component tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from components.base import MessageComponent

Component = TypeVar("Component", bound=MessageComponent)


def create(cls: type[Component], tmp_path: Path, **config: Any) -> Component:
    """`cls.create` with its default config updated by `config`."""
    return cls.create(
        {**cls.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(cls.__name__),
        ExecutionContext(graph_schema=None),  # type: ignore[arg-type]
    )
