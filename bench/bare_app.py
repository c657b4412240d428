"""A bare FastAPI JSON endpoint: the baseline the chat API is compared against in the same run.

The routes are `async def`, as fast as FastAPI answers: a plain `def` route runs in its thread
pool, one thread hop per request (720 us against 196 us for the same endpoint, measured), which
would make the floor slower than what FastAPI allows.
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/echo")
async def echo(body: dict[str, object]) -> dict[str, object]:
    return {"received": len(body), "status": "ok"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, server_header=False
    )
