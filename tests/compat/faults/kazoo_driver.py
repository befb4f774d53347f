#!/usr/bin/python3
"""A kazoo client driven line by line, for tests/compat/clientsUnderFaults.test.ts.

The test owns the faults (killing members, cutting proxies); this process only owns one KazooClient. It reads one
JSON command per line on stdin and writes one JSON line per reply on stdout, plus a line for every connection state
kazoo reports, so the test sees the client exactly as an application would. Requests marked "async" are sent with
kazoo's *_async calls and answered when they complete, so a request can be left queued across a fault.
Needs Debian's kazoo: run it with /usr/bin/python3.
"""
import json
import sys
import threading

from kazoo.client import KazooClient

out_lock = threading.Lock()
client = None


def emit(message):
    with out_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def outcome(fn):
    try:
        return {"ok": fn()}
    except Exception as error:  # the error's class is the observation: ConnectionLoss, SessionExpiredError, ...
        return {"error": type(error).__name__}


def session_hex():
    session_id = client.client_id[0] if client.client_id else 0
    return "0x%x" % session_id


def stat_owner(stat):
    return None if stat is None else "0x%x" % stat.ephemeralOwner


def run(command):
    global client
    op = command["op"]
    if op == "start":
        client = KazooClient(hosts=command["hosts"], timeout=command["timeout"])
        client.add_listener(lambda state: emit({"event": "state", "state": str(state)}))
        client.start(timeout=20)
        return session_hex()
    if op == "session":
        return session_hex()
    if op == "set_hosts":
        client.set_hosts(command["hosts"])
        return True
    if op == "create":
        return client.create(command["path"], command.get("data", "").encode(), ephemeral=command.get("ephemeral", False))
    if op == "get":
        data, _stat = client.get(command["path"])
        return data.decode()
    if op == "owner":
        return stat_owner(client.exists(command["path"]))
    if op == "stop":
        client.stop()
        client.close()
        return True
    raise ValueError("unknown op " + op)


def run_async(command):
    if command["op"] == "create":
        handle = client.create_async(command["path"], command.get("data", "").encode())
    elif command["op"] == "get":
        handle = client.get_async(command["path"])
    else:
        raise ValueError("no async form of " + command["op"])

    def done(result):
        def value():
            got = result.get()
            return got[0].decode() if isinstance(got, tuple) else got

        emit(dict(outcome(value), id=command["id"]))

    handle.rawlink(done)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get("async"):
            try:
                run_async(command)
            except Exception as error:
                emit({"id": command["id"], "error": type(error).__name__})
            continue
        emit(dict(outcome(lambda: run(command)), id=command["id"]))


if __name__ == "__main__":
    main()
