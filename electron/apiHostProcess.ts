// The main process's side of the API host: forks it as a utility process, hands each renderer a MessagePort
// straight to it (so API traffic never passes through the main process), restarts it if it crashes and stops it,
// with every cluster member it runs, when the app quits.
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { encodeHostConfig, apiPortChannel, type HostConfig, type HostToMain, type MainToHost } from './hostMessages.js';

export interface ApiHostOptions {
  /** The built apiHost.js. */
  entry: string;
  config: HostConfig;
  /** The host was restarted after a crash: pages holding ports to the old one should reload. */
  onRestarted(): void;
  onMessage?(message: HostToMain): void;
}

const maxRestarts = 3;
const restartWindowMs = 60_000;
const stopTimeoutMs = 20_000;

export class ApiHostProcess {
  private child: UtilityProcess | undefined;
  private stopping: Promise<void> | undefined;
  private restarts: number[] = [];

  constructor(private readonly options: ApiHostOptions) {}

  start(): void {
    const child = utilityProcess.fork(this.options.entry, [], {
      serviceName: 'Paddock API',
      env: { ...process.env, PADDOCK_HOST_CONFIG: encodeHostConfig(this.options.config) },
      stdio: 'inherit',
    });
    this.child = child;
    child.on('message', (message: HostToMain) => this.options.onMessage?.(message));
    child.on('exit', (code) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping !== undefined) return;
      console.error(`paddock: the API host exited unexpectedly (code ${code})`);
      this.restartAfterCrash();
    });
  }

  /** Gives one page its own channel to the host; the preload asked for it on apiPortChannel. */
  connect(contents: WebContents): void {
    const child = this.child;
    if (child === undefined || this.stopping !== undefined) return;
    const { port1, port2 } = new MessageChannelMain();
    const message: MainToHost = { type: 'connectPeer', label: `window ${contents.id}` };
    child.postMessage(message, [port1]);
    contents.postMessage(apiPortChannel, null, [port2]);
  }

  /** Asks the host to close its sessions and stop every cluster member; kills it if it does not finish in time. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const child = this.child;
      if (child === undefined) return resolve();
      const timer = setTimeout(() => {
        console.error('paddock: the API host did not stop in time; killing it (its cluster watchdogs stop the members)');
        child.kill();
      }, stopTimeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ type: 'shutdown' } satisfies MainToHost);
    });
    return this.stopping;
  }

  private restartAfterCrash(): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < restartWindowMs);
    if (this.restarts.length >= maxRestarts) {
      console.error(`paddock: the API host crashed ${maxRestarts} times within a minute; not restarting it`);
      return;
    }
    this.restarts.push(now);
    this.start();
    this.options.onRestarted();
  }
}
