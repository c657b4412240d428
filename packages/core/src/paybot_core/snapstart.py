"""After-restore hooks for Lambda SnapStart: what copies restored from one snapshot must not share.

With SnapStart, Lambda runs a function's init once per published version, snapshots the memory,
and starts every later execution environment from a copy of it. Anything decided at init is then
shared by all copies, which is wrong for:

- the S3 audit log's stream: its id, sequence and hash chain would be the same in every copy,
  so two copies would write the same object keys from GENESIS and overwrite each other;
- the secrets cache: values fetched at init would count their time to live from the snapshot,
  possibly days old, so a rotated secret would never be picked up;
- key material read from secrets at init (the vault key and the wrapping key made from it, the
  audit log's HMAC key): read again after restore, so a rotation applies;
- `random`, which botocore's retry jitter uses: every copy would draw the same "random" delays.

Adapters register a hook where they create such state (`after_restore(hook)`); the Lambda
handler modules call `install()` once, which hands `run_after_restore` to the Lambda runtime's
`snapshot_restore_py` when it is there (it is only inside Lambda). Tests call
`run_after_restore()` themselves.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

log = logging.getLogger("paybot.snapstart")

_HOOKS: list[Callable[[], None]] = []
_LOCK = threading.Lock()


def after_restore(hook: Callable[[], None]) -> Callable[[], None]:
    """Run `hook` in each copy restored from a snapshot, before it handles anything."""
    with _LOCK:
        _HOOKS.append(hook)
    return hook


def run_after_restore() -> None:
    """Renew what a restored copy must not share: `random`'s state first, then every registered hook."""
    random.seed()  # from os.urandom: each copy draws its own botocore jitter
    with _LOCK:
        hooks = list(_HOOKS)
    for hook in hooks:
        hook()
    log.info("restored from a snapshot: %d after-restore hooks ran", len(hooks))


def install() -> bool:
    """Register `run_after_restore` with the Lambda runtime; False outside Lambda (nothing to do)."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_after_restore(run_after_restore)
    return True


def forget_hooks() -> None:
    """Drop every registered hook (tests that build and throw away adapters)."""
    with _LOCK:
        _HOOKS.clear()
