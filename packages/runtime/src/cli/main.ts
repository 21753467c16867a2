import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isOmegaError } from '@omega/core';
import { artifacts } from './artifacts.js';
import { audit } from './audit.js';
import { budget } from './budget.js';
import {
  type Command,
  EXIT,
  type ExitCode,
  type Group,
  type OptionSpec,
  type Prompter,
  UsageError,
} from './command.js';
import { doctor } from './doctor.js';
import { experts } from './experts.js';
import { commandHelp, GLOBAL_OPTIONS, groupHelp, mainHelp, optionsOf, usageOf } from './help.js';
import { logic } from './logic.js';
import { Output, type Terminal } from './output.js';
import { receipts } from './receipts.js';
import { sessions } from './sessions.js';
import { snapshots } from './snapshots.js';
import { streams } from './streams.js';
import { traces } from './traces.js';

/** Every command group of `omega`, in the order `--help` lists them. */
export const GROUPS: readonly Group[] = [
  sessions,
  snapshots,
  receipts,
  traces,
  budget,
  artifacts,
  logic,
  streams,
  experts,
  audit,
  doctor,
];

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parseOptions(options: Record<string, OptionSpec>): ParseOptions {
  const parsed: ParseOptions = {};
  for (const [name, { type, short }] of Object.entries(options)) {
    parsed[name] = { type, ...(short === undefined ? {} : { short }) };
  }
  return parsed;
}

/** The group and command words, read loosely: the strict parse comes once the command is known. */
function commandWords(argv: readonly string[]): { words: string[]; help: boolean } {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: parseOptions(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
  });
  return { words: positionals.slice(0, 2), help: values.help === true };
}

interface Resolved {
  group: Group;
  command: Command;
  /** How many leading positionals name the command (1 for `doctor`, else 2). */
  words: number;
}

function resolveCommand(argv: readonly string[], out: Output): Resolved | ExitCode {
  const { words, help } = commandWords(argv);
  const [groupName, commandName] = words;
  if (groupName === undefined) {
    if (help) {
      out.line(mainHelp(GROUPS));
      return EXIT.ok;
    }
    out.note(mainHelp(GROUPS));
    return EXIT.usage;
  }
  const group = GROUPS.find((candidate) => candidate.name === groupName);
  if (group === undefined) {
    throw new UsageError(`unknown command "${groupName}" (one of: ${GROUPS.map((g) => g.name).join(', ')})`);
  }
  const single = group.commands.find((command) => command.name === '');
  if (single !== undefined) return { group, command: single, words: 1 };
  if (commandName === undefined) {
    if (help) {
      out.line(groupHelp(group));
      return EXIT.ok;
    }
    out.note(groupHelp(group));
    return EXIT.usage;
  }
  const command = group.commands.find((candidate) => candidate.name === commandName);
  if (command === undefined) {
    const names = group.commands.map((c) => c.name).join(', ');
    throw new UsageError(`unknown command "omega ${group.name} ${commandName}" (one of: ${names})`);
  }
  return { group, command, words: 2 };
}

/** What `omega` runs against: the process's terminal, or a test's. */
export interface Invocation {
  terminal: Terminal;
  prompter: Prompter;
  /** Aborted to stop a command that follows (`-f`): on SIGINT or SIGTERM. */
  signal: AbortSignal;
}

async function runCommand(
  { group, command, words }: Resolved,
  argv: readonly string[],
  invocation: Invocation,
  out: Output,
): Promise<ExitCode> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseOptions(optionsOf(command)),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    if (isParseError(error)) throw new UsageError(error.message);
    throw error;
  }
  const { values } = parsed;
  if (values.help === true) {
    out.line(commandHelp(group, command));
    return EXIT.ok;
  }
  const args = parsed.positionals.slice(words);
  if (args.length < command.min || args.length > command.max) {
    const expected = command.args === '' ? 'no arguments' : command.args;
    throw new UsageError(`wrong number of arguments: expected ${expected}, got ${args.length}`);
  }
  const root = resolve(typeof values.root === 'string' ? values.root : '.omega');
  return command.run({
    root,
    json: values.json === true,
    values: values as Record<string, string | boolean | undefined>,
    args,
    out,
    prompter: invocation.prompter,
    signal: invocation.signal,
  });
}

function isParseError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs `omega` with `argv` (the words after `omega`), printing to `terminal`; resolves to the exit code:
 * 0 ok, 1 a problem found (or the command failed), 2 a usage error.
 */
export async function main(argv: readonly string[], invocation: Invocation): Promise<ExitCode> {
  const out = new Output(invocation.terminal);
  let resolved: Resolved | ExitCode | undefined;
  try {
    resolved = resolveCommand(argv, out);
    if (typeof resolved === 'number') return resolved;
    return await runCommand(resolved, argv, invocation, out);
  } catch (error) {
    const usage = typeof resolved === 'object' ? usageOf(resolved.group, resolved.command) : undefined;
    return report(error, out, usage, invocation.terminal.env.OMEGA_DEBUG !== undefined);
  }
}

/** Prints `error` on stderr and picks its exit code. */
function report(error: unknown, out: Output, usage: string | undefined, debug: boolean): ExitCode {
  const usageError =
    error instanceof UsageError ||
    isOmegaError(error, 'INVALID_NAME') ||
    isOmegaError(error, 'INVALID_ARGUMENT');
  const message = error instanceof Error ? error.message : String(error);
  out.note(`${out.style('red', 'omega:')} ${message}`);
  if (debug && error instanceof Error && error.stack !== undefined) out.note(error.stack);
  if (!usageError) return EXIT.problem;
  if (usage !== undefined) out.note(`usage: ${usage} (see --help)`);
  return EXIT.usage;
}
