// The messages between ZkDatabase and its snapshot worker thread (structured clone: bigints and maps travel as is).

export interface SnapshotJob {
  kind: 'snapshot';
  snapDir: string;
  logDir: string;
  maxEntryBytes: number;
  /** Write the state at this zxid; every logged transaction up to it is durable when the job is posted. */
  zxid: bigint;
  /** What the request thread holds at `zxid`, so a worker that rebuilt something else refuses to write it. */
  expected: { nodeCount: number; sessions: Map<bigint, number> };
}

export type SnapshotJobResult =
  | {
      kind: 'written';
      zxid: bigint;
      path: string;
      /** Where the worker's state came from: a snapshot file it read, its tree of the previous job, or nothing. */
      base: string;
      logEntries: number;
      buildMs: number;
      writeMs: number;
    }
  | { kind: 'failed'; zxid: bigint; reason: string };
