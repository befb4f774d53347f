// How Java and zkCli print ZooKeeper's values, in one place for the four-letter words, the AdminServer, the shell,
// the GUI's console and log lines: Long.toHexString (zxids, session ids), java.util.Date.toString (ctime, mtime,
// session expiry), Double.toString, InetSocketAddress.toString and zkCli's StatPrinter block.
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

/** A number that Java holds as a double, so it prints with a decimal point (0.0, 1.5, 1.0E-4). */
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return formatJavaDouble(this.value);
  }
}

/** Double.toString: decimal between 1e-3 and 1e7, otherwise computerized scientific notation. */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** How Java prints an InetSocketAddress without a resolved host name: "/1.2.3.4:5" or "/[::1]:5". */
export function formatJavaSocketAddress(address: string, port: number, leadingSlash = true): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const host = mapped ? mapped[1] : address.includes(':') ? `[${address}]` : address;
  return `${leadingSlash ? '/' : ''}${host}:${port}`;
}
