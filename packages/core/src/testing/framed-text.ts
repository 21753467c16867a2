import { readFile, writeFile } from 'node:fs/promises';

/** The header line and body of a framed file (a store document or an export file), for hand-editing. */
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

/** Rewrites a framed file through `edit`, keeping `bodyBytes` true to the edited body. */
export async function editFramedFile(file: string, edit: (text: FramedText) => FramedText): Promise<void> {
  await writeFramedText(file, edit(await readFramedText(file)));
}
