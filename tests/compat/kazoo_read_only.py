#!/usr/bin/python3
"""kazoo's own read-only-mode test (kazoo/tests/test_connection.py TestReadOnlyMode), driven step by step.

Run by tests/compat/readOnlyClients.test.ts with the ensemble's connect string (chroot included) as argv[1]. The
test and this script take turns over stdin/stdout: the script prints one JSON line per step and waits for a line
on stdin before the next one, while the test kills and restarts members in between. Needs Debian's kazoo: run it
with /usr/bin/python3.
"""
import json
import sys
import threading
import time
import traceback

from kazoo.client import KazooClient
from kazoo.exceptions import NotReadOnlyCallError
from kazoo.protocol.states import KeeperState

HOSTS = sys.argv[1]


def say(step, **facts):
    print(json.dumps(dict(step=step, **facts)), flush=True)


def wait_for_line():
    if sys.stdin.readline() == "":
        raise SystemExit("the test went away")


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def main():
    # connection_retry=None as kazoo's test has it: the default retry, which never gives up
    client = KazooClient(hosts=HOSTS, timeout=15, read_only=True, connection_retry=None)
    states = []
    connected_ro = threading.Event()

    def listen(state):
        states.append(client.client_state)
        if client.client_state == KeeperState.CONNECTED_RO:
            connected_ro.set()

    client.add_listener(listen)
    client.start()
    say("started", state=client.client_state)

    wait_for_line()  # two members are down now
    # As kazoo's test does: a fresh start so the client's last zxid and session are forgotten.
    client.stop()
    started = time.monotonic()
    client.start()
    connected_ro.wait(15)
    ro_after = round(time.monotonic() - started, 1)
    children = client.get_children("/")
    try:
        client.create("/fred")
        write = "created"
    except NotReadOnlyCallError:
        write = "NotReadOnlyCallError"
    ro_session = client.client_id[0]
    # kazoo's test then waits 15 s "for a ping": the read-only connection must stay up meanwhile.
    states.clear()
    time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 15.0)
    say("read-only", state=client.client_state, connectedRoAfterS=ro_after, children=children, write=write,
        statesWhileIdle=list(states))

    wait_for_line()  # the quorum is back
    started = time.monotonic()
    back = wait_until(lambda: client.client_state == KeeperState.CONNECTED, 60)
    rw_after = round(time.monotonic() - started, 1)
    created = client.create("/after-quorum", b"x") if back else None
    say("read-write", state=client.client_state, rwAfterS=rw_after, created=created,
        newSession=client.client_id[0] != ro_session, states=list(states))
    client.stop()
    client.close()


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException:
        say("error", error=traceback.format_exc())
        sys.exit(1)
