// One zkCli session (ZooKeeperMain): the connection, the numbered history, printwatches, and the dispatch of a
// typed line to a session command or a server command, printing results and errors as zkCli does.
import { ZkClient, keeperStateOf, type WatchedEvent, type Watcher, type ZkClientState } from '../client/index.js';
import { EventType, KeeperState } from '../protocol/index.js';
import { createLogger } from '../log/logger.js';
import { CliError } from './cliErrors.js';
import { parseJavaInt, tokenizeCommandLine } from './commandLine.js';
import type { CommandContext } from './commandSupport.js';
import { serverCommands } from './zkCliCommands.js';

/** Where the shell writes; text is written as is (callers add the newlines). */
export interface ShellOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface ZkShellOptions {
  /** Connect string, "host:port[,host:port][/chroot]". */
  server: string;
  /** Session timeout (zkCli's -timeout). */
  timeoutMs?: number;
  readOnly?: boolean;
  output: ShellOutput;
  /** How long a command waits for a session still being established before it is sent anyway (and fails). */
  connectWaitMs?: number;
  timeZone?: string;
}

/** The session-level commands and their option strings, which usage() lists with the server commands. */
const sessionCommands: ReadonlyMap<string, string> = new Map([
  ['connect', 'host:port'],
  ['history', ''],
  ['redo', 'cmdno'],
  ['printwatches', 'on|off'],
  ['quit', ''],
]);

/** Every command name, sorted as zkCli sorts them (case-sensitive), for usage() and tab completion. */
export const commandNames: readonly string[] = [...sessionCommands.keys(), ...serverCommands.keys()].sort();

function commandOptions(name: string): string | undefined {
  return sessionCommands.get(name) ?? serverCommands.get(name)?.options;
}

const eventTypeNames: Readonly<Record<number, string>> = {
  [EventType.none]: 'None',
  [EventType.nodeCreated]: 'NodeCreated',
  [EventType.nodeDeleted]: 'NodeDeleted',
  [EventType.nodeDataChanged]: 'NodeDataChanged',
  [EventType.nodeChildrenChanged]: 'NodeChildrenChanged',
  [EventType.dataWatchRemoved]: 'DataWatchRemoved',
  [EventType.childWatchRemoved]: 'ChildWatchRemoved',
  [EventType.persistentWatchRemoved]: 'PersistentWatchRemoved',
};

const keeperStateNames: Readonly<Record<number, string>> = {
  [KeeperState.disconnected]: 'Disconnected',
  [KeeperState.syncConnected]: 'SyncConnected',
  [KeeperState.authFailed]: 'AuthFailed',
  [KeeperState.connectedReadOnly]: 'ConnectedReadOnly',
  [KeeperState.saslAuthenticated]: 'SaslAuthenticated',
  [KeeperState.closed]: 'Closed',
  [KeeperState.expired]: 'Expired',
};

/** WatchedEvent.toString() of ZooKeeper 3.8. */
export function formatWatchedEvent(event: WatchedEvent): string {
  const state = keeperStateNames[event.state] ?? 'Unknown';
  const type = eventTypeNames[event.type] ?? 'None';
  return `WatchedEvent state:${state} type:${type} path:${event.path ?? 'null'}`;
}

/** ZooKeeper.States names, as the prompt shows them. */
const promptStates: Record<ZkClientState, string> = {
  connecting: 'CONNECTING',
  connected: 'CONNECTED',
  connectedReadOnly: 'CONNECTEDREADONLY',
  disconnected: 'CONNECTING',
  expired: 'CLOSED',
  authFailed: 'AUTH_FAILED',
  closed: 'CLOSED',
};

const deadStates: ReadonlySet<ZkClientState> = new Set(['expired', 'authFailed', 'closed']);

export class ZkShell {
  private client: ZkClient | undefined;
  private host = '';
  private readonly history = new Map<number, string>();
  private commandCountValue = 0;
  private printWatches = true;
  private quitValue = false;
  /** Exit code of the last command (zkCli's exitCode). */
  lastExitCode = 0;
  /** Exit code of the last command that failed, 0 if none did. */
  lastFailureCode = 0;
  /** Called after the shell printed something nobody asked for (a watch event), so a prompt can be redrawn. */
  onAsyncOutput: (() => void) | undefined;
  private readonly log = createLogger('paddock-cli', { level: 'error' });

  constructor(private readonly options: ZkShellOptions) {}

  get commandCount(): number {
    return this.commandCountValue;
  }

  get quitRequested(): boolean {
    return this.quitValue;
  }

  get currentClient(): ZkClient | undefined {
    return this.client;
  }

  prompt(): string {
    const state = this.client === undefined ? 'CLOSED' : promptStates[this.client.state];
    return `[zk: ${this.host}(${state}) ${this.commandCountValue}] `;
  }

  private out(line: string): void {
    this.options.output.stdout(`${line}\n`);
  }

  private err(line: string): void {
    this.options.output.stderr(`${line}\n`);
  }

  /** ZooKeeperMain.printMessage: a blank line, then the message. */
  private printMessage(message: string): void {
    this.options.output.stdout(`\n${message}\n`);
  }

  private printEvent(event: WatchedEvent): void {
    if (!this.printWatches) return;
    this.printMessage('WATCHER::');
    this.printMessage(formatWatchedEvent(event));
    this.onAsyncOutput?.();
  }

  /** Opens a session to connectString (closing a live one first); the connect event prints when it arrives. */
  async connect(connectString: string): Promise<void> {
    const previous = this.client;
    if (previous !== undefined && !deadStates.has(previous.state)) await previous.close();
    this.host = connectString;
    const client = new ZkClient(connectString, {
      sessionTimeout: this.options.timeoutMs ?? 30_000,
      readOnly: this.options.readOnly ?? false,
      logger: this.log,
    });
    client.on('state', (state) => {
      const keeperState = keeperStateOf[state];
      if (keeperState !== undefined) this.printEvent({ type: EventType.none, state: keeperState, path: undefined });
    });
    this.client = client;
  }

  /** Stops printing events and ends the session, for leaving without zkCli's Closed event (one-shot mode). */
  async closeQuietly(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    client.removeAllListeners('state');
    this.printWatches = false;
    await client.close();
  }

  /** Ends the session as `quit` does: the watcher still prints the Closed event. */
  async close(): Promise<void> {
    await this.client?.close();
  }

  private usage(): void {
    this.err('ZooKeeper -server host:port -client-configuration properties-file cmd args');
    for (const name of commandNames) this.err(`\t${name} ${commandOptions(name)}`);
  }

  /** ZooKeeperMain.executeLine: a non-empty line is numbered, remembered and run. */
  async executeLine(line: string): Promise<void> {
    if (line === '') return;
    const tokens = tokenizeCommandLine(line);
    this.history.set(this.commandCountValue, line);
    await this.processTokens(tokens);
    this.commandCountValue++;
  }

  /** Runs one already split command (one-shot mode); it is not added to the history. */
  async executeTokens(tokens: string[]): Promise<void> {
    await this.processTokens(tokens);
  }

  private async processTokens(tokens: string[]): Promise<void> {
    try {
      await this.processCommand(tokens);
      this.lastExitCode = 0;
    } catch (error) {
      const cliError = error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error));
      this.lastExitCode = cliError.exitCode;
      this.lastFailureCode = cliError.exitCode;
      if (!cliError.reported) this.err(cliError.message);
    }
  }

  private async processCommand(tokens: string[]): Promise<void> {
    const name = tokens[0];
    if (name === undefined) {
      this.usage();
      throw new CliError('No command entered');
    }
    if (name === 'help') {
      // zkCli has no help command: it prints usage() and "Command not found"; we print only the usage
      this.usage();
      return;
    }
    if (commandOptions(name) === undefined) {
      this.usage();
      throw new CliError(`Command not found: Command not found ${name}`, 127);
    }
    if (name === 'quit') {
      this.quitValue = true;
      await this.close();
      return;
    }
    if (name === 'redo' && tokens.length >= 2) {
      const index = parseJavaInt(tokens[1]!);
      if (index === undefined) throw new CliError(`For input string: "${tokens[1]}"`);
      if (this.commandCountValue <= index || index < 0) throw new CliError('Command index out of range');
      const line = this.history.get(index)!;
      const redone = tokenizeCommandLine(line);
      if (redone[0] === 'redo') throw new CliError('No redoing redos');
      this.history.set(this.commandCountValue, line);
      // the redone command's own failure counts: scripts should see it
      await this.processCommand(redone);
    } else if (name === 'history') {
      for (let i = this.commandCountValue - 10; i <= this.commandCountValue; i++) {
        if (i >= 0) this.out(`${i} - ${this.history.get(i)}`);
      }
    } else if (name === 'printwatches') {
      if (tokens.length === 1) this.out(`printwatches is ${this.printWatches ? 'on' : 'off'}`);
      else this.printWatches = tokens[1] === 'on';
    } else if (name === 'connect') {
      await this.connect(tokens.length >= 2 ? tokens[1]! : this.host);
    }
    const client = this.client;
    if (client === undefined || deadStates.has(client.state)) {
      this.out('Not connected');
      // zkCli exits 0 here; a script is better told that nothing ran
      if (serverCommands.has(name)) throw new CliError('', 1, true);
      return;
    }
    const command = serverCommands.get(name);
    if (command === undefined) return;
    const context: CommandContext = {
      client,
      out: (line) => this.out(line),
      outRaw: (text) => this.options.output.stdout(text),
      err: (line) => this.err(line),
      watcher: this.watcherFor(client),
      ready: () => this.waitForSession(client),
      timeZone: this.options.timeZone,
    };
    await command.run(context, tokens);
  }

  private readonly watchers = new WeakMap<ZkClient, Watcher>();

  /** One watcher per session, like ZooKeeper's default watcher, so a path watched twice fires it once. */
  private watcherFor(client: ZkClient): Watcher {
    let watcher = this.watchers.get(client);
    if (watcher === undefined) {
      // session events reach the shell through the client's state listener; print only node events here
      watcher = (event) => {
        if (event.type !== EventType.none) this.printEvent(event);
      };
      this.watchers.set(client, watcher);
    }
    return watcher;
  }

  /**
   * A command typed before the session is up waits for it (bounded): the client fails queued requests at the
   * first refused connection, which would make the first command of a script race the handshake.
   */
  private async waitForSession(client: ZkClient): Promise<void> {
    if (client.state !== 'connecting' && client.state !== 'disconnected') return;
    const wait = this.options.connectWaitMs ?? Math.min(this.options.timeoutMs ?? 30_000, 10_000);
    await client.waitForConnected(wait).catch(() => undefined);
  }
}
