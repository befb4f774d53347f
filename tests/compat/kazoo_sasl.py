#!/usr/bin/python3
"""kazoo with SASL DIGEST-MD5 for tests/compat/sasl.test.ts: argv = hosts user password path.

Connects with sasl_options (pure-sasl's DIGEST-MD5), creates `path` readable only by sasl:<user> (unless it exists),
reads it back and prints one JSON object; an authentication failure prints the error's class instead.
"""
import json
import sys

from kazoo.client import KazooClient
from kazoo.security import make_acl

hosts, user, password, path = sys.argv[1:5]
client = KazooClient(hosts=hosts, timeout=10.0,
                     sasl_options={"mechanism": "DIGEST-MD5", "username": user, "password": password})
try:
    client.start(timeout=15)
    if client.exists(path) is None:
        client.create(path, b"for bob only", acl=[make_acl("sasl", user, all=True)])
    data, _stat = client.get(path)
    acl, _ = client.get_acls(path)
    print(json.dumps({"data": data.decode(), "acl": [[a.id.scheme, a.id.id, a.perms] for a in acl]}))
except Exception as error:  # kazoo reports a refused SASL exchange on the first request, not in start()
    print(json.dumps({"error": type(error).__name__}))
finally:
    client.stop()
    client.close()
