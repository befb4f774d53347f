// Debian's zkCli.sh (the Java client) behind the FaultClient shape: one interactive JVM fed commands on stdin.
// zkCli runs its commands one after the other, so a command sent while it has no server waits in the Java client's
// queue, and so does every command after it; the `version` marker after each command shows where its output ends.
import { LineProcess } from './lineProcess.js';
import { ZKCLI_PATH, zkCliAvailable } from '../../helpers/zkCli.js';
import { eventually } from '../../helpers/polling.js';
import { pushState, type ClientState, type FaultClient, type Outcome } from './faultClient.js';

const MARKER_PREFIX = 'ZooKeeper CLI version: ';
const javaStates: Record<string, ClientState> = { SyncConnected: 'connected', Disconnected: 'disconnected', Expired: 'expired' };

export class ZkCliFaultClient implements FaultClient {
  readonly name = 'zkCli';
  private process: LineProcess | undefined;
  private sentCommands = 0;

  async start(hosts: string, sessionTimeoutMs: number): Promise<void> {
    if (!zkCliAvailable()) throw new Error(`${ZKCLI_PATH} not found: install with \`apt-get install -y zookeeper\``);
    this.process = new LineProcess('bash', ['-c', 'exec "$0" "$@" 2>&1', ZKCLI_PATH, '-server', hosts, '-timeout', String(sessionTimeoutMs)], {
      ...process.env,
      CLIENT_JVMFLAGS: '-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto',
    });
    await this.waitForState('connected', 30_000);
  }

  async createEphemeral(path: string): Promise<void> {
    const outcome = await this.run(`create -e ${path} x`);
    if (outcome !== 'ok') throw new Error(`zkCli could not create ${path}: ${outcome}`);
  }

  queueCreate(path: string): Promise<Outcome> {
    return this.run(`create ${path} x`);
  }

  states(): ClientState[] {
    const seen: ClientState[] = [];
    for (const line of this.process?.lines ?? []) {
      const state = /^WatchedEvent state:(\w+) type:None/.exec(line)?.[1];
      if (state !== undefined) pushState(seen, javaStates[state]);
    }
    return seen;
  }

  waitForState(state: ClientState, timeoutMs: number): Promise<void> {
    return eventually(() => this.states().includes(state), timeoutMs, `zkCli state ${state} (seen ${this.states().join(',')})`).catch((error: Error) => {
      throw this.process?.failure(error.message) ?? error;
    });
  }

  async close(): Promise<void> {
    await this.process?.stop();
  }

  /** Sends one command and resolves with how it ended once zkCli has printed its output. */
  private async run(command: string): Promise<Outcome> {
    const process = this.process!;
    const marker = ++this.sentCommands;
    process.write(`${command}\nversion\n`);
    const markers: number[] = [];
    await process.waitForLine((line) => line.startsWith(MARKER_PREFIX) && markers.push(0) === marker, 0, 120_000, `the output of "${command}"`);
    const markerLines = process.lines.flatMap((line, index) => (line.startsWith(MARKER_PREFIX) ? [index] : []));
    const from = marker === 1 ? 0 : markerLines[marker - 2]! + 1;
    const output = process.lines.slice(from, markerLines[marker - 1]).filter((line) => line.trim() !== '' && !line.startsWith('WATCHER::') && !line.startsWith('WatchedEvent '));
    return outcomeOf(output);
  }
}

function outcomeOf(output: string[]): Outcome {
  const text = output.join('\n');
  if (/^Created \//m.test(text)) return 'ok';
  if (/Session expired/i.test(text)) return 'sessionExpired';
  if (/ConnectionLoss/.test(text)) return 'connectionLoss';
  return text;
}
