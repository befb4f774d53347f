// SASL DIGEST-MD5 on the client port, the same on both servers: the JAAS server section of users, kazoo's
// sasl_options and the Java client's JAAS Client section (zkCli) authenticate and get sasl:<user> ACL access, a wrong
// password is refused, a client without SASL gets NoAuth, and with enforce.auth.enabled its first request is answered
// SessionClosedRequireSaslAuth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { ErrorCode } from '../../node-core/protocol/index.js';
import { runProcess } from '../helpers/runProcess.js';
import { runZkCli } from '../helpers/zkCli.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';

const PYTHON = '/usr/bin/python3';
const SCENARIO = fileURLToPath(new URL('./kazoo_sasl.py', import.meta.url));

const serverJaas = `Server {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  user_super="adminsecret"
  user_bob="bobsecret";
};
`;
const clientJaas = (user: string, password: string) => `Client {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  username="${user}"
  password="${password}";
};
`;

async function kazooSasl(hosts: string, user: string, password: string, path: string): Promise<Record<string, unknown>> {
  const run = await runProcess(PYTHON, [SCENARIO, hosts, user, password, path], { timeoutMs: 40_000 });
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`kazoo SASL scenario printed no JSON (exit ${run.code})\n${run.stdout}\n${run.stderr}`);
  }
}

describe.each(compatTargets())('SASL DIGEST-MD5 against %s', (kind) => {
  let dir: string;
  let target: ZkTarget;
  let enforcing: ZkTarget;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paddock-sasl-'));
    const jaas = join(dir, 'server-jaas.conf');
    writeFileSync(jaas, serverJaas);
    for (const [name, user, password] of [['bob', 'bob', 'bobsecret'], ['wrong', 'bob', 'guess']] as const) {
      writeFileSync(join(dir, `client-${name}.conf`), clientJaas(user, password));
    }
    const sasl = {
      'authProvider.1': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
      'java.security.auth.login.config': jaas,
    };
    [target, enforcing] = await Promise.all([
      startTarget(kind, { extraConfig: sasl }),
      startTarget(kind, { extraConfig: { ...sasl, 'enforce.auth.enabled': true, 'enforce.auth.schemes': 'sasl' } }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([target?.stop(), enforcing?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('kazoo authenticates, and the node it makes is readable by sasl:bob only', async () => {
    expect(await kazooSasl(target.hostPort, 'bob', 'bobsecret', '/for-bob')).toEqual({ data: 'for bob only', acl: [['sasl', 'bob', 31]] });
    const anonymous = await ZkClient.connect(target.hostPort, { sessionTimeout: 10_000 });
    try {
      await expect(anonymous.getData('/for-bob')).rejects.toMatchObject({ code: ErrorCode.noAuth });
    } finally {
      await anonymous.close();
    }
  }, 60_000);

  it("Paddock's client logs in with SASL too, and a wrong password ends in AuthFailed", async () => {
    await kazooSasl(target.hostPort, 'bob', 'bobsecret', '/for-bob');
    const bob = await ZkClient.connect(target.hostPort, { sessionTimeout: 10_000, sasl: { mechanism: 'DIGEST-MD5', username: 'bob', password: 'bobsecret' } });
    try {
      expect((await bob.getData('/for-bob')).data?.toString()).toBe('for bob only');
      expect(await bob.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'bob' });
    } finally {
      await bob.close();
    }
    const wrong = new ZkClient(target.hostPort, { sessionTimeout: 10_000, sasl: { mechanism: 'DIGEST-MD5', username: 'bob', password: 'guess' } });
    await expect(wrong.waitForConnected(20_000)).rejects.toMatchObject({ code: ErrorCode.authFailed });
    expect(wrong.state).toBe('authFailed');
    await wrong.close();
  }, 60_000);

  it('kazoo with a wrong password is refused', async () => {
    expect(await kazooSasl(target.hostPort, 'bob', 'guess', '/never')).toEqual({ error: 'AuthFailedError' });
  }, 60_000);

  it('the Java client (zkCli with a JAAS Client section) reads as sasl:bob; with a wrong password it cannot', async () => {
    await kazooSasl(target.hostPort, 'bob', 'bobsecret', '/for-bob');
    const good = await runZkCli(target.hostPort, ['whoami', 'get /for-bob'], 40_000, `-Djava.security.auth.login.config=${join(dir, 'client-bob.conf')}`);
    expect(good.steps.map((s) => s.output)).toEqual([['Auth scheme: User', 'sasl: bob', 'ip: 127.0.0.1'], ['for bob only']]);
    expect(good.events).toContain('WatchedEvent state:SaslAuthenticated type:None path:null');
    const wrong = await runZkCli(target.hostPort, ['get /for-bob'], 40_000, `-Djava.security.auth.login.config=${join(dir, 'client-wrong.conf')}`);
    expect(wrong.events).toContain('WatchedEvent state:AuthFailed type:None path:null');
    expect(wrong.steps[0]!.output[0]).toBe('KeeperErrorCode = AuthFailed for /for-bob');
  }, 90_000);

  it('with enforce.auth.enabled, a client without SASL is answered SessionClosedRequireSaslAuth; kazoo with SASL works', async () => {
    const anonymous = new ZkClient(enforcing.hostPort, { sessionTimeout: 10_000 });
    try {
      await anonymous.waitForConnected(20_000);
      await expect(anonymous.getData('/')).rejects.toMatchObject({ code: ErrorCode.sessionClosedRequireSasl });
    } finally {
      await anonymous.close();
    }
    expect(await kazooSasl(enforcing.hostPort, 'bob', 'bobsecret', '/enforced')).toEqual({ data: 'for bob only', acl: [['sasl', 'bob', 31]] });
  }, 60_000);
});
