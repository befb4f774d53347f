// zkCli's Stat block (StatPrinter): eleven "name = value" lines, zxids and the owner as Long.toHexString.
import type { Stat } from '../protocol/index.js';
import { formatJavaDate } from './javaDate.js';

/** Long.toHexString: the two's-complement bits of a signed 64-bit value, lower-case, no padding. */
export function javaLongHex(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16);
}

export function formatStat(stat: Stat, timeZone?: string): string[] {
  return [
    `cZxid = 0x${javaLongHex(stat.czxid)}`,
    `ctime = ${formatJavaDate(stat.ctime, timeZone)}`,
    `mZxid = 0x${javaLongHex(stat.mzxid)}`,
    `mtime = ${formatJavaDate(stat.mtime, timeZone)}`,
    `pZxid = 0x${javaLongHex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = 0x${javaLongHex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}
