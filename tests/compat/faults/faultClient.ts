// What the fault harness needs of a third-party client, in one vocabulary for all of them: a session it keeps
// across faults, requests that may be left queued while it has no server, and the connection states it reports.

/** A client's connection states, named once for kazoo, node-zookeeper-client and zkCli. */
export type ClientState = 'connected' | 'disconnected' | 'expired';

/** How a request ended: 'ok', or the client's error in one name (connectionLoss, sessionExpired, ...). */
export type Outcome = string;

export interface FaultClient {
  readonly name: string;
  /** Connects with the given connect string and session timeout and waits for the session. */
  start(hosts: string, sessionTimeoutMs: number): Promise<void>;
  createEphemeral(path: string): Promise<void>;
  /** Sends a create without waiting for it; the promise tells how it ended, however long that takes. */
  queueCreate(path: string): Promise<Outcome>;
  /** The states the client has reported since start, in order, repeats collapsed. */
  states(): ClientState[];
  waitForState(state: ClientState, timeoutMs: number): Promise<void>;
  /** Changes the servers the client may use next, if the client library can. */
  setHosts?(hosts: string): Promise<void>;
  close(): Promise<void>;
}

export function pushState(states: ClientState[], state: ClientState | undefined): void {
  if (state !== undefined && states[states.length - 1] !== state) states.push(state);
}
