// The `omega` command line: its usage, on stderr, with the usage-error exit code.
const USAGE = `usage: omega <command> [options]

Inspects and repairs an Omega store (default root: .omega).
`;

process.stderr.write(USAGE);
process.exitCode = 2;
