// One election as a member recorded it, in the JSON the election admin command (GET /commands/election) reports:
// written by the member's election history, read by the cluster supervisor and passed on by the admin API.
/** One election as a member recorded it; times are ISO-8601 strings. */
export interface ElectionRecord {
  /** When the member began looking for a leader. */
  started: string;
  /** When it settled on a leader. */
  decided?: string;
  /** When it served clients again under that leader. */
  serving?: string;
  /** From started to serving, as the member's own clock measured it. */
  durationMs?: number;
  winner?: number;
  /** The epoch it served in, in decimal. */
  epoch?: string;
  reason?: string;
}
