import type { Writable } from 'node:stream';

/** The terminal streams and environment a command prints to (the process's, or a test's). */
export interface Terminal {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

/** Colours used by the CLI: ANSI SGR codes, applied only where {@link Output.color} is on. */
const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
export type Style = keyof typeof SGR;

/** A column of a table: its title and how to read a row's cell. */
export interface Column<R> {
  title: string;
  cell: (row: R) => string;
  /** Right-align (numbers). */
  right?: boolean;
}

/** A bar on stderr for long work: drawn only on a TTY. */
export interface Progress {
  tick(by?: number): void;
  done(): void;
}

// Redraw at most this often: a terminal repaint per item would cost more than the work on small items.
const PROGRESS_INTERVAL_MS = 100;
const BAR_WIDTH = 24;

/**
 * Where commands print: data on stdout (JSON with `--json`, aligned tables otherwise), messages and
 * progress on stderr. Colour only when stdout is a TTY and `NO_COLOR` is unset or empty
 * (https://no-color.org); the progress bar only when stderr is a TTY.
 */
export class Output {
  readonly color: boolean;
  readonly #terminal: Terminal;

  constructor(terminal: Terminal) {
    this.#terminal = terminal;
    const noColor = terminal.env.NO_COLOR;
    this.color = terminal.stdout.isTTY === true && (noColor === undefined || noColor === '');
  }

  /** `text` in `style`, when colour is on. */
  style(style: Style, text: string): string {
    return this.color ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text;
  }

  /** One line on stdout. */
  line(text = ''): void {
    this.#terminal.stdout.write(`${text}\n`);
  }

  /** A message on stderr (errors, notes, prompts' context). */
  note(text: string): void {
    this.#terminal.stderr.write(`${text}\n`);
  }

  /** `value` as indented JSON on stdout. */
  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** `value` as one line of JSON (a followed stream's records). */
  jsonLine(value: unknown): void {
    this.line(JSON.stringify(value));
  }

  /** Rows as an aligned table with a header line; `empty` is printed instead when there are none. */
  table<R>(columns: readonly Column<R>[], rows: readonly R[], empty: string): void {
    if (rows.length === 0) {
      this.line(this.style('dim', empty));
      return;
    }
    const cells = rows.map((row) => columns.map((column) => oneLine(column.cell(row))));
    const widths = columns.map((column, i) =>
      Math.max(column.title.length, ...cells.map((row) => (row[i] as string).length)),
    );
    const format = (row: readonly string[]) =>
      row
        .map((cell, i) => {
          const width = widths[i] as number;
          const last = i === row.length - 1;
          if (columns[i]?.right === true) return cell.padStart(width);
          return last ? cell : cell.padEnd(width);
        })
        .join('  ');
    this.line(this.style('bold', format(columns.map((column) => column.title))));
    for (const row of cells) this.line(format(row));
  }

  /** `key: value` lines, keys aligned. */
  fields(entries: ReadonlyArray<readonly [string, string]>): void {
    const width = Math.max(...entries.map(([key]) => key.length));
    for (const [key, value] of entries)
      this.line(`${this.style('bold', `${key}:`.padEnd(width + 1))} ${value}`);
  }

  /**
   * A progress bar for a job that reports `(done, total)` itself (a provider's `onProgress`): drawn from
   * its first report, when the total is known; `done()` ends it.
   */
  progressOf(label: string): { listener: (done: number, total: number) => void; done(): void } {
    let bar: Progress | undefined;
    let shown = 0;
    return {
      listener: (done, total) => {
        bar ??= this.progress(label, total);
        bar.tick(done - shown);
        shown = done;
      },
      done: () => bar?.done(),
    };
  }

  /** A progress bar of `total` items on stderr, or a silent one off a TTY. */
  progress(label: string, total: number): Progress {
    const stderr = this.#terminal.stderr;
    if (stderr.isTTY !== true || total <= 0) return { tick() {}, done() {} };
    let count = 0;
    let drawn = 0;
    const draw = () => {
      drawn = Date.now();
      const filled = Math.round((count / total) * BAR_WIDTH);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
      stderr.write(`\r${label} [${bar}] ${count}/${total}`);
    };
    draw();
    return {
      tick(by = 1) {
        count = Math.min(total, count + by);
        if (count === total || Date.now() - drawn >= PROGRESS_INTERVAL_MS) draw();
      },
      done() {
        count = total;
        draw();
        stderr.write('\n');
      },
    };
  }
}

// A cell holding a newline would break the table's alignment.
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

/** A time as an ISO string (UTC), or `-`. */
export function isoTime(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

/** A byte count for people: `512 B`, `1.5 KiB`, `3.0 MiB`. */
export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A long string cut to `max` characters with an ellipsis, for table cells. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
