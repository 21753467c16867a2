import { readFile, writeFile } from 'node:fs/promises';
import type { MachineSnapshot, Val } from '@omega/core';
import { exoticValues } from '@omega/core/testing';

/** A small snapshot whose content depends on `step`; `store.counter` is `1000 + step` (four digits). */
export function sampleSnapshot(step = 1): MachineSnapshot {
  return {
    state: {
      control: { op: 'apply', fn: 'plan', args: [step, 'two'] },
      env: { goal: 'a0', plan: 'a1' },
      store: {
        a0: 'write the report',
        a1: { steps: ['draft', 'review'], done: step > 2 },
        counter: 1000 + step,
      },
      kont: [{ frame: 'return', to: 'main' }],
      step,
      status: 'running',
    },
    createdAt: 1_700_000_000_000 + step,
    label: `after step ${step}`,
  };
}

/** A snapshot holding every kind of value JSON loses: all of {@link exoticValues} in the store, more in control and kont. */
export function exoticSnapshot(): MachineSnapshot {
  return {
    state: {
      control: new Map<Val, Val>([['pc', 3]]),
      env: { x: 'exotic' },
      store: { exotic: exoticValues() },
      kont: [new Set<Val>([1]), -0, 10n],
      step: 3,
      status: 'halted',
    },
    createdAt: 1_700_000_000_999,
    label: 'exotic',
    parent: 'previous',
  };
}

/** The header line and body of a framed file (a store file or an export file), for hand-editing. */
export interface FramedText {
  header: Record<string, unknown>;
  body: string;
}

/** Reads a framed file as text: the JSON header line, then the body line. */
export async function readFramedText(file: string): Promise<FramedText> {
  const text = await readFile(file, 'utf8');
  const newline = text.indexOf('\n');
  if (newline < 0 || !text.endsWith('\n')) throw new Error(`${file} is not two newline-terminated lines`);
  return {
    header: JSON.parse(text.slice(0, newline)) as Record<string, unknown>,
    body: text.slice(newline + 1, -1),
  };
}

/**
 * Writes a framed file from a header and body, setting `bodyBytes` to the body's real length, so the
 * framing stays intact and only what the caller edited is wrong.
 */
export async function writeFramedText(file: string, { header, body }: FramedText): Promise<void> {
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  await writeFile(file, `${JSON.stringify({ ...header, bodyBytes })}\n${body}\n`);
}
