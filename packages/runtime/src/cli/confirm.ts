import { createInterface } from 'node:readline/promises';
import { type CommandContext, type Prompter, UsageError } from './command.js';

/** The prompter of this process: asks on stderr, reads stdin. */
export function processPrompter(): Prompter {
  return {
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async ask(question) {
      const reader = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await reader.question(question);
      } finally {
        reader.close();
      }
    },
  };
}

/**
 * Whether a destructive command may go on: `--yes` says so; on a terminal the person is asked (`y` or
 * `yes`); anywhere else it is refused with a usage error (exit 2), so a script never destroys by default.
 */
export async function confirmed(ctx: CommandContext, prompter: Prompter, what: string): Promise<boolean> {
  if (ctx.values.yes === true) return true;
  if (!prompter.interactive) {
    throw new UsageError(`refusing to ${what} without --yes (not a terminal, so nobody can confirm)`);
  }
  const answer = await prompter.ask(`${what}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
