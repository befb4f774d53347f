// Majority quorums over the voting members (QuorumMaj): observers and unknown sids never count.

export function isQuorum(acks: Iterable<number>, voters: readonly number[]): boolean {
  const voting = new Set(voters);
  const counted = new Set<number>();
  for (const sid of acks) if (voting.has(sid)) counted.add(sid);
  return counted.size * 2 > voting.size;
}
