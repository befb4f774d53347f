// The shell's own behaviour that needs no server: usage, unknown commands, parse errors, history, printwatches.
import { afterEach, describe, expect, it } from 'vitest';
import { ZkShell } from '../../../node-core/shell/zkShell.js';

function shell() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // nothing listens on port 1: the session never comes up, which these commands must not need
  const s = new ZkShell({ server: '127.0.0.1:1', connectWaitMs: 0, output: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } });
  return { s, stdout, stderr, out: () => stdout.join(''), err: () => stderr.join('') };
}

let opened: ZkShell[] = [];

afterEach(async () => {
  await Promise.all(opened.map((s) => s.closeQuietly()));
  opened = [];
});

async function started() {
  const t = shell();
  await t.s.connect('127.0.0.1:1');
  opened.push(t.s);
  return t;
}

describe('ZkShell', () => {
  it('shows the prompt zkCli shows', async () => {
    const t = await started();
    expect(t.s.prompt()).toBe('[zk: 127.0.0.1:1(CONNECTING) 0] ');
  });

  it('prints usage and exits 127 for an unknown command', async () => {
    const t = await started();
    await t.s.executeLine('bogus x');
    expect(t.err()).toMatch(/^ZooKeeper -server host:port -client-configuration properties-file cmd args\n\taddWatch /);
    expect(t.err().endsWith('Command not found: Command not found bogus\n')).toBe(true);
    expect(t.s.lastExitCode).toBe(127);
  });

  it('prints a command usage or parse error without touching the server', async () => {
    const t = await started();
    await t.s.executeLine('ls');
    await t.s.executeLine('create -x /a');
    await t.s.executeLine('set -v abc /a x');
    expect(t.err()).toBe(
      'ls [-s] [-w] [-R] path\n' +
        'org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x\n' +
        '-v argument must be an int value: For input string: "abc"\n',
    );
    expect(t.s.lastExitCode).toBe(1);
    expect(t.s.lastFailureCode).toBe(1);
  });

  it('numbers commands, lists the last ten with history, and refuses to redo a redo', async () => {
    const t = await started();
    for (let i = 0; i < 12; i++) await t.s.executeLine(`printwatches ${i % 2 === 0 ? 'off' : 'on'}`);
    await t.s.executeLine('');
    await t.s.executeLine('history');
    const lines = t.out().trim().split('\n');
    expect(lines[0]).toBe('2 - printwatches off');
    expect(lines.at(-1)).toBe('12 - history');
    await t.s.executeLine('redo 12');
    expect(t.err()).toBe('');
    await t.s.executeLine('redo 99');
    expect(t.err()).toBe('Command index out of range\n');
    await t.s.executeLine('redo 14');
    expect(t.err()).toBe('Command index out of range\nNo redoing redos\n');
    expect(t.s.prompt()).toBe('[zk: 127.0.0.1:1(CONNECTING) 16] ');
  });

  it('reports printwatches and answers version locally', async () => {
    const t = await started();
    await t.s.executeLine('printwatches');
    await t.s.executeLine('printwatches off');
    await t.s.executeLine('printwatches');
    await t.s.executeLine('version');
    expect(t.out()).toMatch(/^printwatches is on\nprintwatches is off\nZooKeeper CLI version: paddock/);
  });

  it('says Not connected after close and fails the command', async () => {
    const t = await started();
    await t.s.executeLine('close');
    await t.s.executeLine('ls /');
    expect(t.out()).toContain('Not connected\n');
    expect(t.out()).toContain('WatchedEvent state:Closed type:None path:null');
    expect(t.s.lastExitCode).toBe(1);
  });
});
