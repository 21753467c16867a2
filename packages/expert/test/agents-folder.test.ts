import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { thrownBy } from '@omega/core/testing';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { FilesystemExpertProvider } from '../src/filesystem.js';

// The acceptance case of the issue: a folder of sub-agent definitions written by hand as coding agents
// write them (Claude Code's `.claude/agents/*.md`), loaded as it is.
const test = testWithTempDir('omega-expert-agents-');

const CODE_REVIEWER = `---
name: code-reviewer
description: Expert code review specialist. Reviews code for quality, security and maintainability.
tools: Read, Grep, Glob, Bash
model: inherit
color: blue
---

You are a senior code reviewer.

When invoked:
1. Run git diff to see recent changes.
2. Review the modified files.
`;

const DEBUGGER = `---
name: debugger
description: Debugging specialist for errors, test failures and unexpected behavior.
tools:
  - Read
  - Edit
  - Bash
tags: [debugging, tests]
permissionMode: acceptEdits
---
You are an expert debugger who finds root causes.
`;

// No name: the file's base name is the expert's.
const DATA_SCIENTIST = `---
description: Data analysis expert for SQL queries and insights.
tools: [Bash, Read]
domain: data
temperature: 0.2
examples:
  - input: Which customers churned last month?
    output: A SQL query over the subscriptions table.
skills:
  sql: expert
  python: good
---

You are a data scientist specializing in SQL.
`;

// The mistake made most often by hand: an unquoted colon in a value, on the file's third line.
const BROKEN = `---
name: broken
description: Reviews: code, tests and docs
tools: Read
---
Never loaded.
`;

async function writeAgents(dir: string, broken: string): Promise<void> {
  await writeFile(join(dir, 'code-reviewer.md'), CODE_REVIEWER);
  await writeFile(join(dir, 'debugger.md'), DEBUGGER);
  await writeFile(join(dir, 'data-scientist.md'), DATA_SCIENTIST);
  await writeFile(join(dir, 'broken.md'), broken);
}

describe('an agents folder in the coding-agent format', () => {
  test('with a file of broken YAML, fails to load with a CorruptDataError naming the file and line', async ({
    dir,
  }) => {
    await writeAgents(dir, BROKEN);
    const error = thrownBy(() => new FilesystemExpertProvider({ dir }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: 'expert', file: join(dir, 'broken.md'), line: 3 });
    expect(error.message).toContain(`${join(dir, 'broken.md')}:3`);
  });

  test('once that file is fixed, loads every file as described', async ({ dir }) => {
    await writeAgents(
      dir,
      BROKEN.replace('Reviews: code, tests and docs', '"Reviews: code, tests and docs"'),
    );
    await using provider = new FilesystemExpertProvider({ dir });
    expect(provider.list().map((expert) => expert.name)).toStrictEqual([
      'broken',
      'code-reviewer',
      'data-scientist',
      'debugger',
    ]);
    expect(provider.get('code-reviewer')).toStrictEqual({
      name: 'code-reviewer',
      description: 'Expert code review specialist. Reviews code for quality, security and maintainability.',
      tools: ['Read', 'Grep', 'Glob', 'Bash'],
      model: 'inherit',
      meta: { color: 'blue' },
      instructions:
        'You are a senior code reviewer.\n\nWhen invoked:\n1. Run git diff to see recent changes.\n2. Review the modified files.',
    });
    expect(provider.get('debugger')).toStrictEqual({
      name: 'debugger',
      description: 'Debugging specialist for errors, test failures and unexpected behavior.',
      tools: ['Read', 'Edit', 'Bash'],
      tags: ['debugging', 'tests'],
      meta: { permissionMode: 'acceptEdits' },
      instructions: 'You are an expert debugger who finds root causes.',
    });
    expect(provider.get('data-scientist')).toStrictEqual({
      name: 'data-scientist',
      description: 'Data analysis expert for SQL queries and insights.',
      tools: ['Bash', 'Read'],
      domain: 'data',
      temperature: 0.2,
      examples: [
        { input: 'Which customers churned last month?', output: 'A SQL query over the subscriptions table.' },
      ],
      meta: { skills: { sql: 'expert', python: 'good' } },
      instructions: 'You are a data scientist specializing in SQL.',
    });
    expect(provider.get('broken')?.description).toBe('Reviews: code, tests and docs');
    expect(provider.find({ text: 'failing tests' }).map((expert) => expert.name)).toStrictEqual([
      'debugger',
      'broken',
    ]);
  });
});
