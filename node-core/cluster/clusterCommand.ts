// `paddock cluster start`: runs a local cluster in the foreground, prints its connect string, ports and every member
// state change, and stops all members on Ctrl-C (or SIGTERM).
import { parseArgs } from 'node:util';
import { LocalCluster } from './localCluster.js';
import { defaultClusterDir } from './userDataDir.js';
import { ClusterError, type EngineKind, type MemberState } from './types.js';

const usage = `Usage: paddock cluster start [options]

Runs a local ZooKeeper ensemble on 127.0.0.1 in the foreground; Ctrl-C stops every member.

Options:
  --nodes N          voting members (default 3; 1 runs a standalone server)
  --observers N      observers (default 0)
  --engine E         paddock (default) or apache (Apache ZooKeeper 3.8 from /usr/share/java)
  --name NAME        cluster name, used for the default directory (default "default")
  --dir DIR          where configs, data and logs go (default <user data dir>/paddock/clusters/<name>)
  --base-port P      take ports consecutively from P (default: free ports)
  --tick-time MS     tickTime (default 2000)
  --fresh            delete the directory's previous data first
  --logs             print every member's log lines too
`;

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new ClusterError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return value;
}

function timestamp(): string {
  return new Date().toTimeString().slice(0, 8);
}

function describe(state: MemberState): string {
  const parts = [`member ${state.id}${state.role === 'observer' ? ' (observer)' : ''}: ${state.process}`];
  if (state.pid !== undefined) parts.push(`pid ${state.pid}`);
  if (state.process === 'running') parts.push(state.mode);
  if (state.zxid !== undefined) parts.push(`zxid ${state.zxid} (epoch ${String(state.epoch)})`);
  if (state.isolated) parts.push('ISOLATED');
  if (state.lastExit !== undefined && state.process !== 'running' && state.process !== 'paused') {
    parts.push(`last exit: ${state.lastExit}`);
  }
  return parts.join(', ');
}

export async function runClusterCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(usage);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== 'start') {
    process.stderr.write(`paddock cluster: unknown subcommand '${sub}'\n\n${usage}`);
    return 1;
  }
  let cluster: LocalCluster;
  let showLogs: boolean;
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        nodes: { type: 'string' },
        observers: { type: 'string' },
        engine: { type: 'string' },
        name: { type: 'string' },
        dir: { type: 'string' },
        'base-port': { type: 'string' },
        'tick-time': { type: 'string' },
        fresh: { type: 'boolean' },
        logs: { type: 'boolean' },
      },
      strict: true,
    });
    const engine = values.engine ?? 'paddock';
    if (engine !== 'paddock' && engine !== 'apache') throw new ClusterError(`--engine must be paddock or apache, got '${engine}'`);
    const name = values.name ?? 'default';
    if (!/^[\w.-]+$/.test(name)) throw new ClusterError(`--name may use letters, digits, '.', '_' and '-' only`);
    showLogs = values.logs === true;
    cluster = await LocalCluster.create({
      nodes: positiveInt('nodes', values.nodes, 3),
      observers: positiveInt('observers', values.observers, 0, 0),
      engine: engine as EngineKind,
      dir: values.dir ?? defaultClusterDir(name),
      basePort: values['base-port'] === undefined ? undefined : positiveInt('base-port', values['base-port'], 0),
      tickTime: positiveInt('tick-time', values['tick-time'], 2000),
      fresh: values.fresh === true,
    });
  } catch (error) {
    process.stderr.write(`paddock cluster: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const snapshot = cluster.snapshot();
  const voters = snapshot.members.filter((m) => m.role === 'participant').length;
  out(`paddock cluster (${snapshot.engine} engine, ${voters} voters, ${snapshot.members.length - voters} observers) in ${cluster.dir}`);
  out(`connect string: ${cluster.connectString}`);
  for (const m of snapshot.members) {
    out(
      `  member ${m.id} (${m.role}): client ${m.hostPort}, admin ${m.ports.admin}, quorum ${m.ports.quorum}, ` +
        `election ${m.ports.election}, log ${m.logPath}`,
    );
  }

  // Only process, mode and isolation changes make a line; zxid and connection counts change too often.
  const shown = new Map<number, string>();
  cluster.on('member', (state) => {
    const key = `${state.process}|${state.pid ?? ''}|${state.mode}|${state.isolated}`;
    if (shown.get(state.id) === key) return;
    shown.set(state.id, key);
    out(`[${timestamp()}] ${describe(state)}`);
  });
  cluster.on('warning', (warning) => out(`[${timestamp()}] warning: ${warning.message}`));
  if (showLogs) cluster.on('log', (event) => out(`[${event.id}] ${event.line}`));

  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const onSignal = (signal: string) => {
    if (stopping) {
      out(`${signal} again: killing every member now`);
      cluster.killAllNow();
      finish(130);
      return;
    }
    stopping = true;
    out(`[${timestamp()}] ${signal}: stopping every member (again to kill them)`);
    cluster.stop().then(
      () => finish(0),
      (error: unknown) => {
        process.stderr.write(`paddock cluster: stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
        finish(1);
      },
    );
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    await cluster.start();
  } catch (error) {
    process.stderr.write(`paddock cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    await cluster.stop({ timeoutMs: 3000 }).catch(() => undefined);
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    return 1;
  }
  const code = await finished;
  process.off('SIGINT', sigint);
  process.off('SIGTERM', sigterm);
  out(`[${timestamp()}] cluster stopped`);
  return code;
}
