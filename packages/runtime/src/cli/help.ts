import type { Command, Group, OptionSpec } from './command.js';

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  root: { type: 'string', value: 'dir', description: 'the store directory (default .omega)' },
  json: { type: 'boolean', description: 'print data as JSON' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** The option a destructive command takes instead of asking. */
export const YES_OPTION: Record<string, OptionSpec> = {
  yes: { type: 'boolean', short: 'y', description: 'do it without asking (required off a terminal)' },
};

/** Every option `command` accepts. */
export function optionsOf(command: Command): Record<string, OptionSpec> {
  return { ...command.options, ...(command.destructive === true ? YES_OPTION : {}), ...GLOBAL_OPTIONS };
}

/** `omega sessions ls` (or `omega doctor` for a one-command group). */
export function commandLine(group: Group, command: Command): string {
  return command.name === '' ? `omega ${group.name}` : `omega ${group.name} ${command.name}`;
}

/** The usage line of `command`. */
export function usageOf(group: Group, command: Command): string {
  return [commandLine(group, command), command.args, '[options]'].filter((part) => part !== '').join(' ');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : '';
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([flags]) => flags.length));
  return rows.map(([flags, description]) => `  ${flags.padEnd(width)}  ${description}`);
}

/** `omega <group> <command> --help`. */
export function commandHelp(group: Group, command: Command): string {
  return [
    `${commandLine(group, command)}: ${command.summary}`,
    '',
    `Usage: ${usageOf(group, command)}`,
    '',
    'Options:',
    ...optionLines(optionsOf(command)),
    '',
    'Example:',
    `  ${command.example}`,
    '',
  ].join('\n');
}

/** `omega <group> --help`. */
export function groupHelp(group: Group): string {
  const width = Math.max(...group.commands.map((command) => command.name.length));
  return [
    `omega ${group.name}: ${group.summary}`,
    '',
    `Usage: omega ${group.name} <command> [options]`,
    '',
    'Commands:',
    ...group.commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Example:',
    `  ${group.commands[0]?.example ?? ''}`,
    '',
    `Run \`omega ${group.name} <command> --help\` for a command's options.`,
    '',
  ].join('\n');
}

/** `omega --help`. */
export function mainHelp(groups: readonly Group[]): string {
  const width = Math.max(...groups.map((group) => group.name.length));
  return [
    'omega: inspect and repair an Omega store (sessions, snapshots, receipts, traces, budgets, ...)',
    '',
    'Usage: omega <group> <command> [options]',
    '',
    'Groups:',
    ...groups.map((group) => {
      const commands = group.commands.map((command) => command.name).filter((name) => name !== '');
      const list = commands.length > 0 ? ` (${commands.join(', ')})` : '';
      return `  ${group.name.padEnd(width)}  ${group.summary}${list}`;
    }),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 ok, 1 a problem was found (or the command failed), 2 usage error.',
    'Colour only on a terminal, never with NO_COLOR set; destructive commands ask, or take --yes.',
    '',
    'Example:',
    '  omega doctor --root .omega',
    '',
  ].join('\n');
}
