// The contract's connection profiles and open connections: what a profile holds, what the GUI sees of it, and the
// states a connection goes through (the client's own states, declared once in client/clientState.ts).
import type { ZkClientState } from '../client/clientState.js';

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Defaults to true. */
  verifyServer?: boolean;
}

/** A profile as stored and as the GUI sends it to profiles.save. */
export interface ProfileInput {
  /** Omit to create a new profile; give it to update one. */
  id?: string;
  name: string;
  /** "host1:2181,host2:2181" (a "/chroot" suffix is allowed here too). */
  connectString: string;
  chroot?: string;
  /** Digest auth; on update, an omitted password keeps the stored one. */
  auth?: { user: string; password?: string };
  tls?: TlsFiles;
  /** Refuse every write method before it reaches ZooKeeper. */
  readOnly?: boolean;
  /** A CSS colour the GUI tints this connection with (e.g. red for production). */
  colour?: string;
  sessionTimeoutMs?: number;
}

/** A profile as the API returns it: passwords never leave node-core. */
export interface ProfileView {
  id: string;
  name: string;
  connectString: string;
  chroot?: string;
  auth?: { user: string; hasPassword: boolean };
  tls?: TlsFiles;
  readOnly: boolean;
  colour?: string;
  sessionTimeoutMs?: number;
}

/** A connection's state is its client session's. */
export type ConnectionState = ZkClientState;

export interface ConnectionInfo {
  connectionId: string;
  profileId: string;
  profileName: string;
  readOnly: boolean;
  colour?: string;
  state: ConnectionState;
  /** host:port of the server the session is on, when connected. */
  server?: string;
  /** 0x-hex session id. */
  sessionId: string;
  negotiatedTimeoutMs: number;
}

export interface TestConnectionResult {
  ok: true;
  server: string;
  latencyMs: number;
  negotiatedTimeoutMs: number;
  /** The server answered as a read-only member (a minority partition). */
  readOnlyServer: boolean;
  /** Whether the root ("/" or the chroot) exists. */
  rootExists: boolean;
}
