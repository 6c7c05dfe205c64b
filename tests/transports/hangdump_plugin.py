import asyncio
import sys
import threading

import pytest_asyncio


@pytest_asyncio.fixture(autouse=True)
async def _hang_dump():
    loop = asyncio.get_running_loop()
    def dump():
        for t in asyncio.all_tasks(loop):
            print("TASK", t.get_name(), file=sys.stderr)
            t.print_stack(file=sys.stderr)
        sys.stderr.flush()
    timer = threading.Timer(30, lambda: loop.call_soon_threadsafe(dump))
    timer.start()
    yield
    timer.cancel()
