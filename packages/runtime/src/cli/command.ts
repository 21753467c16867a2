import type { Output } from './output.js';

/** Exit codes of every `omega` command. */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line that cannot be run as given: exit 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a confirmation is asked: the process's terminal, or a test's. */
export interface Prompter {
  /** Whether a person can answer: stdin and stderr are both a TTY. */
  interactive: boolean;
  ask(question: string): Promise<string>;
}

/** One option of a command, as `node:util` `parseArgs` takes it, with its help line. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in `--help`; a string option names its value (`--run <id>`). */
  description: string;
  /** The value's name in `--help` (string options). */
  value?: string;
}

/** What a command's `run` gets: the parsed line and where to print. */
export interface CommandContext {
  /** The store root, as an absolute path (`--root`, default `.omega`). */
  root: string;
  /** `--json`: print data as JSON on stdout. */
  json: boolean;
  /** The command's own options, parsed. */
  values: Record<string, string | boolean | undefined>;
  /** The positional arguments after the command's name. */
  args: string[];
  out: Output;
  /** Asks a person to confirm destructive work (see `confirmed`). */
  prompter: Prompter;
  /** Aborted when the process is asked to stop (SIGINT, SIGTERM): what ends a followed tail. */
  signal: AbortSignal;
}

/** One `omega <group> <name>` command. */
export interface Command {
  /** The subcommand (`ls`), or `''` for a group that is one command (`omega doctor`). */
  name: string;
  summary: string;
  /** The arguments after the command's name, as shown in usage (`<name>`, `[<file>]`). */
  args: string;
  /** Positional arguments accepted: at least `min`, at most `max`. */
  min: number;
  max: number;
  options?: Record<string, OptionSpec>;
  /** Whether the command destroys something, and so takes `--yes`. */
  destructive?: boolean;
  /** One example line, shown by `--help`. */
  example: string;
  run(ctx: CommandContext): Promise<ExitCode>;
}

/** `omega <group> ...`: a family's commands. */
export interface Group {
  name: string;
  summary: string;
  commands: Command[];
}

/** A string option's value, or undefined; `parseArgs` has typed it already. */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative integer option (`--limit 20`), or `fallback`; anything else is a usage error. */
export function integerOption(ctx: CommandContext, name: string, fallback?: number): number | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return fallback;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--${name} takes a whole number, got "${text}"`);
  return Number(text);
}

/** A time option: milliseconds since the epoch, or an ISO date (`2026-12-04T12:00:00Z`). */
export function timeOption(ctx: CommandContext, name: string): number | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return undefined;
  const time = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`--${name} takes an ISO date or milliseconds since the epoch, got "${text}"`);
  return time;
}
