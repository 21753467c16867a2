import { thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { expertOfFile } from '../src/front-matter.js';

const FILE = '/agents/helper.md';
const parse = (text: string) => expertOfFile('P', FILE, text);
const corrupt = (text: string) => thrownBy(() => parse(text), 'CORRUPT_DATA').details;

describe('an expert file: front matter and body', () => {
  it('reads every field, the body as instructions, and defaults the name to the file name', () => {
    const text = [
      '---',
      'description: Helps.',
      'model: opus',
      'tools: [Read, Grep]',
      'caps: fs.read, net',
      'tags:',
      '  - a',
      '  - b',
      'domain: software',
      'examples:',
      '  - input: x',
      '    output: [1, 2]',
      'temperature: 0.5',
      'color: green',
      '---',
      '',
      '# Helper',
      '',
      'Be helpful.',
      '',
    ].join('\n');
    expect(parse(text)).toStrictEqual({
      name: 'helper',
      description: 'Helps.',
      model: 'opus',
      tools: ['Read', 'Grep'],
      caps: ['fs.read', 'net'],
      tags: ['a', 'b'],
      domain: 'software',
      examples: [{ input: 'x', output: [1, 2] }],
      temperature: 0.5,
      meta: { color: 'green' },
      instructions: '# Helper\n\nBe helpful.',
    });
  });

  it('reads CRLF line ends, a byte order mark and an empty body', () => {
    const expert = parse('\ufeff---\r\nname: crlf\r\ndescription: d\r\n---\r\n');
    expect(expert).toStrictEqual({ name: 'crlf', description: 'd', instructions: '' });
  });

  it('keeps `meta` and `instructions` keys in meta: the body is the instructions', () => {
    const expert = parse('---\ndescription: d\nmeta: { a: 1 }\ninstructions: not these\n---\nThese.\n');
    expect(expert.meta).toStrictEqual({ meta: { a: 1 }, instructions: 'not these' });
    expect(expert.instructions).toBe('These.');
  });

  it('drops empty items of a comma-separated list', () => {
    expect(parse('---\ndescription: d\ntools: Read, , Grep,\n---\n').tools).toStrictEqual(['Read', 'Grep']);
  });

  it('refuses a file without front matter, or with front matter never closed, at line 1', () => {
    expect(corrupt('# Just Markdown\n')).toMatchObject({ file: FILE, line: 1 });
    expect(corrupt('---\ndescription: d\n# no closing line\n')).toMatchObject({ file: FILE, line: 1 });
  });

  it('refuses broken YAML at its line in the file', () => {
    expect(corrupt('---\ndescription: d\ntools: [Read, Grep\nmodel: x\n---\nbody\n')).toMatchObject({
      file: FILE,
      line: 4,
    });
    expect(corrupt('---\ndescription: d\ndescription: again\n---\n')).toMatchObject({ line: 3 });
  });

  it('refuses aliases that expand without bound, rather than run out of memory', () => {
    const lines = ['---', 'description: d', 'a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(corrupt([...lines, '---', ''].join('\n'))).toMatchObject({ file: FILE, line: 2 });
  });

  it('refuses front matter that is not a mapping', () => {
    expect(corrupt('---\n- a\n- b\n---\n')).toMatchObject({ file: FILE, line: 2 });
  });

  it('refuses a field of the wrong type at its line, naming its path', () => {
    expect(corrupt('---\ndescription: d\ntools:\n  - Read\n  - 7\n---\n')).toMatchObject({
      file: FILE,
      line: 5,
      path: 'tools[1]',
    });
    expect(corrupt('---\ndescription: d\ntemperature: hot\n---\n')).toMatchObject({
      line: 3,
      path: 'temperature',
    });
    expect(corrupt('---\nname: has space\ndescription: d\n---\n')).toMatchObject({ line: 2, path: 'name' });
    expect(corrupt('---\nmodel: x\n---\n')).toMatchObject({ line: 1, path: 'description' });
  });
});
