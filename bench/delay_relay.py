"""A TCP relay that can hold back what a server answers: latency on a link, where `tc netem` is
missing (kernels built without sch_netem answer "Specified qdisc kind is unknown").

    python bench/delay_relay.py --control FILE LISTEN_HOST:PORT=TARGET_HOST:PORT [...]

Each pair listens on LISTEN and relays every connection to TARGET. What the target sends back is
held for the number of milliseconds written in FILE (0, or no file: none), read every half second,
as netem on the server's link would; order within a connection is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

delay_seconds = 0.0


async def watch(control: Path) -> None:
    global delay_seconds
    while True:
        try:
            delay_seconds = float(control.read_text().strip() or 0) / 1000
        except (OSError, ValueError):
            delay_seconds = 0.0
        await asyncio.sleep(0.5)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delayed: bool) -> None:
    """Copy until either side ends; a delayed direction holds each chunk until `delay_seconds`
    after it arrived (a queue keeps the order)."""
    queue: asyncio.Queue = asyncio.Queue()

    async def send() -> None:
        while (item := await queue.get()) is not None:
            due, chunk = item
            if (wait := due - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((time.monotonic() + (delay_seconds if delayed else 0.0), chunk))
    except ConnectionError:
        pass
    queue.put_nowait(None)
    try:
        await sender
    except ConnectionError:
        pass
    writer.close()


async def serve(listen: tuple[str, int], target: tuple[str, int]) -> asyncio.Server:
    async def relay(client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delayed=False),
            pipe(server_reader, client_writer, delayed=True),
        )

    return await asyncio.start_server(relay, *listen)


def address(text: str) -> tuple[str, int]:
    host, port = text.rsplit(":", 1)
    return host, int(port)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--control", type=Path, required=True, help="a file holding the delay in ms")
    parser.add_argument("pairs", nargs="+", help="LISTEN_HOST:PORT=TARGET_HOST:PORT")
    args = parser.parse_args()
    servers = [await serve(address(a), address(b)) for a, b in (pair.split("=") for pair in args.pairs)]
    await asyncio.gather(watch(args.control), *(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main())
