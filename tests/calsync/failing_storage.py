"""A Radicale storage that fails every write, so the real server answers a PUT or DELETE with
an error status (HTTP 500) while reads still work."""

from __future__ import annotations

from typing import Any

from radicale.storage import multifilesystem


class Collection(multifilesystem.Collection):
    def upload(self, href: str, item: Any) -> Any:
        raise OSError("the disk is on fire (test)")

    def delete(self, href: Any = None) -> None:
        raise OSError("the disk is on fire (test)")


class Storage(multifilesystem.Storage):
    _collection_class = Collection
