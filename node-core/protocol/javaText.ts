// How Java and zkCli print ZooKeeper's values, in one place for the four-letter words, the AdminServer, the shell,
// the GUI's console and log lines: Long.toHexString (zxids, session ids), java.util.Date.toString (ctime, mtime,
// session expiry) and zkCli's StatPrinter block.
import type { Stat } from './records.js';

/** Long.toHexString: the two's-complement bits of a signed 64-bit value, lower-case, no padding (-1 -> ffff...). */
export function javaHex(value: bigint | number): string {
  return BigInt.asUintN(64, BigInt(value)).toString(16);
}

/** A zxid or session id as ZooKeeper logs and zkCli prints it: "0x" + Long.toHexString. */
export function hexLong(value: bigint | number): string {
  return `0x${javaHex(value)}`;
}

// ICU calls these "UTC"; Java keeps the name it was given.
const gmtZones = new Set(['GMT', 'Etc/GMT', 'Etc/Greenwich', 'Greenwich']);
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
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
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * java.util.Date.toString, `EEE MMM dd HH:mm:ss zzz yyyy` ("Wed Nov 25 01:15:28 UTC 2026"), in the given IANA zone
 * (the process's zone by default, as the JVM uses its default zone). The zone abbreviation comes from the ICU data
 * Node carries; for zones without an English abbreviation it reads "GMT+2" where Java would print "CEST".
 */
export function formatJavaDate(epochMs: number | bigint, timeZone?: string): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(Number(epochMs)));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const year = part('year').padStart(4, '0');
  const zone = gmtZones.has(timeZone ?? process.env.TZ ?? '') ? 'GMT' : part('timeZoneName');
  return `${part('weekday')} ${part('month')} ${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${zone} ${year}`;
}

/** zkCli's Stat block (StatPrinter): eleven "name = value" lines. */
export function formatStatLines(stat: Stat, timeZone?: string): string[] {
  return [
    `cZxid = ${hexLong(stat.czxid)}`,
    `ctime = ${formatJavaDate(stat.ctime, timeZone)}`,
    `mZxid = ${hexLong(stat.mzxid)}`,
    `mtime = ${formatJavaDate(stat.mtime, timeZone)}`,
    `pZxid = ${hexLong(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${hexLong(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}
