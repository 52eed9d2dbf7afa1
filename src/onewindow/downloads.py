"""Stored files sent to the browser, streamed the same way under ASGI (uvicorn) and WSGI.

Django's FileResponse reads its file with a synchronous iterator. Served by ASGI, Django
then warns ("StreamingHttpResponse must consume synchronous iterators in order to serve
them asynchronously") and reads the whole file into one list in a thread before sending a
byte. `FileDownload` gives ASGI its own asynchronous iterator that reads one block at a
time in a worker thread; WSGI and the test client keep FileResponse's iterator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from django.http import FileResponse

from asgiref.sync import sync_to_async

_END = b""


class FileDownload(FileResponse):
    """A FileResponse that an ASGI server streams block by block, without the warning."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        blocks = self.streaming_content
        if isinstance(blocks, AsyncIterator):  # streamed asynchronously already
            async for part in blocks:
                yield part
            return
        # Not thread-sensitive: reading a file needs no database connection, so it need
        # not queue behind the requests' synchronous work on the one shared thread.
        read = sync_to_async(_next_block, thread_sensitive=False)
        while block := await read(blocks):
            yield block


def _next_block(blocks: Any) -> bytes:
    """The iterator's next block, or b"" at its end (FileResponse never yields b"")."""
    return bytes(next(blocks, _END))
