#!/usr/bin/python3
"""Kazoo client scenario for Paddock's compat tests (tests/compat/kazoo.test.ts).

Exercises ensure_path, DataWatch, ChildrenWatch, transactions, Lock and Election against the server given as
argv[1] and prints one JSON object of observations on stdout, so the test can assert the same facts against
Apache ZooKeeper and Paddock. With argv[2] and argv[3] as well, the second and third clients (the other Lock and
Election contenders) connect there: different members of one ensemble. Needs Debian's kazoo: run it with
/usr/bin/python3.
"""
import json
import sys
import threading
import time
import traceback

from kazoo.client import KazooClient

HOSTS = sys.argv[1:4] if len(sys.argv) >= 4 else [sys.argv[1]] * 3
ROOT = "/kz"
WAIT_S = 10.0


def wait_for(predicate, what):
    # watches fire on kazoo's event thread; poll rather than sleep a guessed amount
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("timed out waiting for " + what)


def new_client(hosts):
    client = KazooClient(hosts=hosts, timeout=10.0)
    client.start(timeout=15)
    return client


def error_name(result):
    return type(result).__name__ if isinstance(result, Exception) else None


def ensure_path(client):
    first = client.ensure_path(ROOT + "/deep/er/path")
    again = client.ensure_path(ROOT + "/deep/er/path")
    stat = client.exists(ROOT + "/deep/er/path")
    return {
        "exists": stat is not None,
        "first": bool(first),
        "again": bool(again),
        "parentChildren": sorted(client.get_children(ROOT + "/deep")),
    }


def data_watch(client):
    path = ROOT + "/data"
    client.create(path, b"one")
    seen = []

    def on_change(data, stat, event):
        seen.append(
            {
                "data": data.decode() if data is not None else None,
                "version": stat.version if stat is not None else None,
                "event": event.type if event is not None else None,
            }
        )

    client.DataWatch(path, on_change)
    wait_for(lambda: len(seen) >= 1, "initial DataWatch call")
    client.set(path, b"two")
    wait_for(lambda: len(seen) >= 2, "DataWatch after set")
    client.delete(path)
    wait_for(lambda: len(seen) >= 3, "DataWatch after delete")
    client.create(path, b"three")
    wait_for(lambda: len(seen) >= 4, "DataWatch after re-create")
    return seen


def children_watch(client):
    path = ROOT + "/kids"
    client.ensure_path(path)
    seen = []
    client.ChildrenWatch(path, lambda children: seen.append(sorted(children)))
    wait_for(lambda: len(seen) >= 1, "initial ChildrenWatch call")
    # one change at a time: a watch fires once, and two quick changes may be reported as one
    client.create(path + "/a")
    wait_for(lambda: seen[-1] == ["a"], "ChildrenWatch after create a")
    client.create(path + "/b", b"", ephemeral=True)
    wait_for(lambda: seen[-1] == ["a", "b"], "ChildrenWatch after create b")
    client.delete(path + "/a")
    wait_for(lambda: seen[-1] == ["b"], "ChildrenWatch after delete a")
    return seen


def transactions(client):
    path = ROOT + "/txn"
    client.create(path, b"start")

    ok = client.transaction()
    ok.create(path + "/x", b"1")
    ok.check(path, 0)
    ok.set_data(path, b"committed", version=0)
    ok.create(path + "/y", b"2")
    ok.delete(path + "/y")
    committed = ok.commit()
    data, stat = client.get(path)

    bad = client.transaction()
    bad.create(path + "/z", b"never")
    bad.check(path, 99)
    bad.set_data(path, b"never")
    bad.delete(path + "/x")
    failed = bad.commit()
    after, after_stat = client.get(path)

    return {
        "committed": [
            committed[0],
            committed[1],
            committed[2].version,
            committed[3],
            committed[4],
        ],
        "dataAfterCommit": data.decode(),
        "versionAfterCommit": stat.version,
        "childrenAfterCommit": sorted(client.get_children(path)),
        "failed": [error_name(r) for r in failed],
        "dataAfterFailure": after.decode(),
        "versionAfterFailure": after_stat.version,
        "zExists": client.exists(path + "/z") is not None,
        "xExists": client.exists(path + "/x") is not None,
    }


def lock(client_a, client_b):
    path = ROOT + "/lock"
    lock_a = client_a.Lock(path, "alpha")
    lock_b = client_b.Lock(path, "beta")
    state = {"holders": 0, "max": 0, "order": []}
    guard = threading.Lock()

    def hold(name, the_lock, seconds):
        with the_lock:
            with guard:
                state["holders"] += 1
                state["max"] = max(state["max"], state["holders"])
                state["order"].append(name + ":acquired")
            time.sleep(seconds)
            with guard:
                state["holders"] -= 1
                state["order"].append(name + ":released")

    lock_a.acquire(timeout=WAIT_S)
    try_b = lock_b.acquire(blocking=False)
    b_thread = threading.Thread(target=hold, args=("beta", lock_b, 0.1))
    b_thread.start()
    wait_for(lambda: len(lock_a.contenders()) == 2, "beta to queue behind alpha")
    contenders = lock_a.contenders()
    with guard:
        state["holders"] += 1
        state["max"] = max(state["max"], state["holders"])
        state["order"].append("alpha:acquired")
    time.sleep(0.3)
    beta_got_in_early = "beta:acquired" in state["order"]
    with guard:
        state["holders"] -= 1
        state["order"].append("alpha:released")
    lock_a.release()
    b_thread.join(WAIT_S)
    # beta released through another member; a read on this member may lag until it syncs (ZooKeeper's contract)
    client_a.sync(path)
    return {
        "nonBlockingWhileHeld": try_b,
        "contendersWhileHeld": contenders,
        "betaGotInEarly": beta_got_in_early,
        "maxHolders": state["max"],
        "order": state["order"],
        "contendersAfter": lock_a.contenders(),
    }


def election(client_a, client_b, client_c):
    path = ROOT + "/election"
    leaders = []
    stop = {"alpha": threading.Event(), "beta": threading.Event()}

    def lead(name):
        leaders.append(name)
        stop[name].wait(WAIT_S)

    def contend(election, name):
        try:
            election.run(lead, name)
        except Exception:
            # alpha's release fails once its client is closed under it; that is the point of the scenario
            pass

    elect_a = client_a.Election(path, "alpha")
    elect_b = client_b.Election(path, "beta")
    elect_c = client_c.Election(path, "gamma")
    a = threading.Thread(target=contend, args=(elect_a, "alpha"), daemon=True)
    a.start()
    wait_for(lambda: leaders == ["alpha"], "alpha to lead")
    b = threading.Thread(target=contend, args=(elect_b, "beta"), daemon=True)
    b.start()
    # contenders are ordered by sequence number, so let beta queue before gamma starts
    wait_for(lambda: len(elect_b.contenders()) == 2, "beta to join")
    c = threading.Thread(target=contend, args=(elect_c, "gamma"), daemon=True)
    c.start()
    wait_for(lambda: len(elect_b.contenders()) == 3, "gamma to join")
    contenders = elect_b.contenders()
    elect_c.cancel()
    c.join(WAIT_S)
    wait_for(lambda: len(elect_b.contenders()) == 2, "gamma to leave after cancel")
    leaders_before = list(leaders)
    # the leader's session ends: its ephemeral node goes, and beta must take over
    client_a.stop()
    client_a.close()
    wait_for(lambda: leaders == ["alpha", "beta"], "beta to take over")
    stop["beta"].set()
    b.join(WAIT_S)
    stop["alpha"].set()
    return {
        "contenders": contenders,
        "leadersBeforeTakeover": leaders_before,
        "gammaCancelledWithoutLeading": "gamma" not in leaders and not c.is_alive(),
        "leaders": leaders,
        "contendersAfter": elect_b.contenders(),
    }


def main():
    results = {}
    clients = []
    try:
        a, b, c = (new_client(hosts) for hosts in HOSTS)
        clients = [a, b, c]
        results["ensurePath"] = ensure_path(a)
        results["dataWatch"] = data_watch(a)
        results["childrenWatch"] = children_watch(a)
        results["transactions"] = transactions(a)
        results["lock"] = lock(a, b)
        results["election"] = election(a, b, c)
    except Exception:
        results["error"] = traceback.format_exc()
    finally:
        for client in clients:
            try:
                client.stop()
                client.close()
            except Exception:
                pass
    print(json.dumps(results))
    return 1 if "error" in results else 0


if __name__ == "__main__":
    sys.exit(main())
