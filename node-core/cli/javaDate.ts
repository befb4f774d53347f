// Formats epoch milliseconds the way java.util.Date.toString() does ("Wed Nov 25 01:15:28 UTC 2026"), which is
// how zkCli prints ctime and mtime.

// ICU calls these "UTC"; Java keeps the name it was given.
const gmtZones = new Set(['GMT', 'Etc/GMT', 'Etc/Greenwich', 'Greenwich']);

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? '';
}

/**
 * `EEE MMM dd HH:mm:ss zzz yyyy` in the given IANA zone (the process's zone by default). The zone abbreviation
 * comes from the ICU data Node carries; for zones without an English abbreviation it reads "GMT+2" where Java
 * would print "CEST".
 */
export function formatJavaDate(epochMs: number | bigint, timeZone?: string): string {
  const ms = typeof epochMs === 'bigint' ? Number(epochMs) : epochMs;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    year: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const year = part(parts, 'year').padStart(4, '0');
  const zone = gmtZones.has(timeZone ?? process.env.TZ ?? '') ? 'GMT' : part(parts, 'timeZoneName');
  return (
    `${part(parts, 'weekday')} ${part(parts, 'month')} ${part(parts, 'day')} ` +
    `${part(parts, 'hour')}:${part(parts, 'minute')}:${part(parts, 'second')} ${zone} ${year}`
  );
}
