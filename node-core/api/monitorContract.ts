// The monitoring part of the API contract: one four-letter word on one member of a connection, its reply read into
// a view the GUI renders (mntr/conf/envi figures, cons rows, wchs counts, wchc sessions) with the raw text beside
// it, and where the answer came from (the client port, or the AdminServer when the word is not whitelisted).
import type { ClientConnectionRow, SessionWatches, WatchSummaryReply } from '../client/fourLetterReplies.js';
import { integer, object, oneOf, optional, refine, string, type Schema } from './schema.js';

export const monitorCommands = ['srvr', 'stat', 'mntr', 'conf', 'cons', 'envi', 'wchs', 'wchc', 'wchp', 'dirs', 'isro', 'ruok'] as const;
export type MonitorCommand = (typeof monitorCommands)[number];

export type MonitorView =
  | { kind: 'values'; values: Record<string, string | number> }
  | { kind: 'connections'; connections: ClientConnectionRow[] }
  | { kind: 'watchSummary'; summary: WatchSummaryReply }
  | { kind: 'watches'; sessions: SessionWatches[] }
  /** Nothing to tabulate: the raw text is the view. */
  | { kind: 'text' };

export interface MonitorReply {
  /** host:port of the member asked. */
  server: string;
  command: MonitorCommand;
  /** Where the answer came from; absent when neither way answered. */
  source?: '4lw' | 'adminServer';
  /** The four-letter word's text, or the AdminServer's JSON (indented). */
  raw?: string;
  view?: MonitorView;
  /** The member refused the word because it is not in its 4lw.commands.whitelist. */
  notWhitelisted?: boolean;
  /** What the member answered instead of the word's output, as it said it. */
  refusal?: string;
  /** The AdminServer port asked (the profile's, or ZooKeeper's default 8080). */
  adminPort?: number;
  /** Why the AdminServer did not answer, when it was asked and did not. */
  adminError?: string;
  /** Why the client port did not answer at all (refused, timed out). */
  error?: string;
}

export interface MonitorMethods {
  /** One four-letter word on one member (`server`, host:port from the connect string; its first member by default). */
  'server.command': {
    params: { connectionId?: string; connectString?: string; server?: string; command: MonitorCommand; adminPort?: number };
    result: MonitorReply;
  };
}

export const monitorParamSchemas: { [M in keyof MonitorMethods]: Schema<MonitorMethods[M]['params']> } = {
  'server.command': refine(
    object({
      connectionId: optional(string({ min: 1, max: 200 })),
      connectString: optional(string({ min: 1, max: 4096 })),
      server: optional(string({ min: 3, max: 300 })),
      command: oneOf(monitorCommands),
      adminPort: optional(integer({ min: 1, max: 65535 })),
    }),
    (p) => ((p.connectionId === undefined) === (p.connectString === undefined) ? 'give exactly one of connectionId and connectString' : undefined),
  ),
};
