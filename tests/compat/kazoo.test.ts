// Runs the kazoo (Python client) recipe scenario in kazoo_scenario.py against each target: ensure_path, DataWatch,
// ChildrenWatch, committed and failing transactions, Lock mutual exclusion and Election takeover; standalone, and on
// a 3-node ensemble with each contender on a different member.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/runProcess.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';

// Debian's kazoo is installed for the system interpreter only, not for a pyenv python3 earlier on PATH.
const PYTHON = '/usr/bin/python3';
const SCENARIO = fileURLToPath(new URL('./kazoo_scenario.py', import.meta.url));

const EXPECTED = {
  ensurePath: { exists: true, first: true, again: true, parentChildren: ['er'] },
  dataWatch: [
    { data: 'one', version: 0, event: null },
    { data: 'two', version: 1, event: 'CHANGED' },
    { data: null, version: null, event: 'DELETED' },
    { data: 'three', version: 0, event: 'CREATED' },
  ],
  childrenWatch: [[], ['a'], ['a', 'b'], ['b']],
  transactions: {
    committed: ['/kz/txn/x', true, 1, '/kz/txn/y', true],
    dataAfterCommit: 'committed',
    versionAfterCommit: 1,
    childrenAfterCommit: ['x'],
    // ops before the failing one report 0 (kazoo: RolledBackError), later ones -2 (RuntimeInconsistency)
    failed: ['RolledBackError', 'BadVersionError', 'RuntimeInconsistency', 'RuntimeInconsistency'],
    dataAfterFailure: 'committed',
    versionAfterFailure: 1,
    zExists: false,
    xExists: true,
  },
  lock: {
    nonBlockingWhileHeld: false,
    contendersWhileHeld: ['alpha', 'beta'],
    betaGotInEarly: false,
    maxHolders: 1,
    order: ['alpha:acquired', 'alpha:released', 'beta:acquired', 'beta:released'],
    contendersAfter: [],
  },
  election: {
    contenders: ['alpha', 'beta', 'gamma'],
    leadersBeforeTakeover: ['alpha'],
    gammaCancelledWithoutLeading: true,
    leaders: ['alpha', 'beta'],
    contendersAfter: [],
  },
};

async function runScenario(hosts: string[]): Promise<void> {
  const run = await runProcess(PYTHON, [SCENARIO, ...hosts], { timeoutMs: 50_000 });
  let results: Record<string, unknown>;
  try {
    results = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`kazoo scenario printed no JSON (exit ${run.code})\n${run.stdout}\n${run.stderr}`);
  }
  if (typeof results.error === 'string') {
    throw new Error(`kazoo scenario failed:\n${results.error}\n--- stderr ---\n${run.stderr}`);
  }
  expect(results).toEqual(EXPECTED);
  expect(run.code).toBe(0);
}

describe.each(compatTargets())('kazoo against %s', (kind) => {
  let target: ZkTarget | undefined;

  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    target = await startTarget(kind);
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('runs the recipe scenario', async () => {
    await runScenario([target!.connectString]);
  });
});

describe.each(compatTargets())('kazoo against a 3-node %s ensemble', (kind) => {
  let target: ZkTarget | undefined;

  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    target = await startTarget(kind, { size: 3 });
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('runs the recipe scenario with the Lock and Election contenders on different members', async () => {
    await runScenario(target!.members.map((m) => m.hostPort));
  });
});
