// kazoo (Debian's python3-kazoo) behind the FaultClient shape, through kazoo_driver.py.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineProcess } from './lineProcess.js';
import { eventually } from '../../helpers/polling.js';
import { pushState, type ClientState, type FaultClient, type Outcome } from './faultClient.js';

// Debian's kazoo is installed for the system interpreter only, not for a pyenv python3 earlier on PATH.
const PYTHON = '/usr/bin/python3';
const DRIVER = fileURLToPath(new URL('./kazoo_driver.py', import.meta.url));

const kazooStates: Record<string, ClientState> = { CONNECTED: 'connected', SUSPENDED: 'disconnected', LOST: 'expired' };
const kazooErrors: Record<string, string> = {
  ConnectionLoss: 'connectionLoss',
  SessionExpiredError: 'sessionExpired',
  ConnectionClosedError: 'connectionClosed',
};

interface Reply {
  id?: number;
  ok?: unknown;
  error?: string;
  event?: string;
  state?: string;
}

export class KazooFaultClient implements FaultClient {
  readonly name = 'kazoo';
  private readonly process: LineProcess;
  private readonly replies = new Map<number, (reply: Reply) => void>();
  private readonly seen: ClientState[] = [];
  private nextId = 1;
  private parsedLines = 0;

  constructor() {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    this.process = new LineProcess(PYTHON, [DRIVER]);
    void this.pump();
  }

  async start(hosts: string, sessionTimeoutMs: number): Promise<void> {
    await this.call({ op: 'start', hosts, timeout: sessionTimeoutMs / 1000 }, 30_000);
  }

  async createEphemeral(path: string): Promise<void> {
    await this.call({ op: 'create', path, ephemeral: true }, 10_000);
  }

  queueCreate(path: string): Promise<Outcome> {
    return this.send({ op: 'create', path, async: true }).then(outcomeOf);
  }

  states(): ClientState[] {
    return [...this.seen];
  }

  waitForState(state: ClientState, timeoutMs: number): Promise<void> {
    return eventually(() => this.seen.includes(state), timeoutMs, `kazoo state ${state} (seen ${this.seen.join(',')})`);
  }

  async setHosts(hosts: string): Promise<void> {
    await this.call({ op: 'set_hosts', hosts }, 10_000);
  }

  async close(): Promise<void> {
    await Promise.race([this.send({ op: 'stop' }), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await this.process.stop();
  }

  private async call(command: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const reply = await Promise.race([
      this.send(command),
      new Promise<never>((_, reject) => setTimeout(() => reject(this.process.failure(`kazoo ${String(command.op)} took over ${timeoutMs} ms`)), timeoutMs)),
    ]);
    if (reply.error !== undefined) throw this.process.failure(`kazoo ${String(command.op)} failed with ${reply.error}`);
    return reply.ok;
  }

  private send(command: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.process.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  }

  /** Routes the driver's lines: replies to their callers, state events to the state list; other lines stay in the log. */
  private async pump(): Promise<void> {
    for (;;) {
      try {
        await this.process.waitForLine(() => true, this.parsedLines, 24 * 3600_000, 'output');
      } catch {
        return;
      }
      while (this.parsedLines < this.process.lines.length) {
        const line = this.process.lines[this.parsedLines++]!;
        if (!line.startsWith('{')) continue;
        const reply = JSON.parse(line) as Reply;
        if (reply.event === 'state') pushState(this.seen, kazooStates[reply.state ?? '']);
        else if (reply.id !== undefined) {
          this.replies.get(reply.id)?.(reply);
          this.replies.delete(reply.id);
        }
      }
    }
  }
}

function outcomeOf(reply: Reply): Outcome {
  return reply.error === undefined ? 'ok' : (kazooErrors[reply.error] ?? reply.error);
}
