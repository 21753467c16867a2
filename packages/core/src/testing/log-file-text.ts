import { readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/*
 * The entry lines of a filesystem log file, read and written as core's log port does (see
 * packages/core/src/fs/log-line.ts): each write is "\n\n" and then its group, one line per entry,
 *   {"p":<position>,"e":<group end>,"g":"<group id>","f":<format>,"v":<version>,"h":<header>,"b":<body>,"c":"<crc32>"}
 * where <crc32> is 8 lowercase hex digits of the CRC-32 of the line's bytes before `,"c":`. A tamperer with
 * store access edits these lines and recomputes that framing, so the port reads the edited file as valid.
 * Only logs of one-entry groups are handled (those of appends made one at a time): every line is then a
 * write of its own, `p === e`. For tamper tests of log families (receipts, the security audit).
 */

/** The fields of one entry line, without its checksum. */
export interface StoredLine {
  p: number;
  e: number;
  g: string;
  f: string;
  v: number;
  h: Record<string, unknown>;
  b: string;
}

/** The line of `line` (without its newline), its checksum computed. */
export function encodeLine(line: StoredLine): string {
  const checked =
    `{"p":${line.p},"e":${line.e},"g":${JSON.stringify(line.g)},"f":${JSON.stringify(line.f)}` +
    `,"v":${line.v},"h":${JSON.stringify(line.h)},"b":${JSON.stringify(line.b)}`;
  const sum = crc32(Buffer.from(checked, 'utf8')).toString(16).padStart(8, '0');
  return `${checked},"c":"${sum}"}`;
}

/**
 * The entry lines of a log file's text, in order. Throws on anything this helper would not write back
 * byte for byte: a line whose re-encoding differs (a bad checksum included), a multi-entry group, or a
 * position out of order.
 */
export function parseLog(text: string): StoredLine[] {
  const lines: StoredLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const { c: _check, ...fields } = JSON.parse(raw) as StoredLine & { c: string };
    const line: StoredLine = fields;
    if (encodeLine(line) !== raw) throw new Error(`line ${lines.length} does not re-encode to its bytes`);
    if (line.p !== lines.length || line.e !== line.p) {
      throw new Error(`line ${lines.length} holds p ${line.p}, e ${line.e}: not a one-entry group in order`);
    }
    lines.push(line);
  }
  return lines;
}

/** The text of a log file holding `lines`, one write each, as the port writes them. */
export function formatLog(lines: readonly StoredLine[]): string {
  let text = '';
  for (const line of lines) text += `\n\n${encodeLine(line)}\n`;
  return text;
}

/** The entry lines of log file `file`. */
export async function readLog(file: string): Promise<StoredLine[]> {
  return parseLog(await readFile(file, 'utf8'));
}

/** Replaces log file `file` with one holding `lines` (in place: same inode, as an editor with write access would). */
export async function writeLog(file: string, lines: readonly StoredLine[]): Promise<void> {
  await writeFile(file, formatLog(lines), 'utf8');
}

/** `lines` renumbered from 0 (positions and group ends), as after a deletion made to keep the file readable. */
export function renumbered(lines: readonly StoredLine[]): StoredLine[] {
  return lines.map((line, index) => ({ ...line, p: index, e: index }));
}
