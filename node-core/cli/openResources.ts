// Names what still keeps this process alive (sockets, timers, file operations), for the log line a stop that
// overran its deadline leaves behind: the next person can see what the stop path failed to close.

export function describeOpenResources(): string {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  if (counts.size === 0) return 'nothing';
  return [...counts].map(([kind, count]) => (count === 1 ? kind : `${kind} x${count}`)).join(', ');
}
