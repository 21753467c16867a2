import { generateKeyPairSync } from 'node:crypto';
import {
  canonicalize,
  decode,
  encode,
  generateNoteKey,
  openCheckpoint,
  signerFromKey,
  type Val,
  verifierFromKey,
} from '@omega/core';
import { rejectionOf, thrownBy } from '@omega/core/testing';
import { wideValArbitrary } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryReceiptProvider } from '../src/memory.js';
import { sampleInput } from '../src/methods.js';

async function checkpointVerifies(provider: InMemoryReceiptProvider, verifierKey: string): Promise<void> {
  await provider.append(sampleInput(1));
  const head = await provider.head();
  expect(openCheckpoint(head.checkpoint, verifierFromKey(verifierKey))).toMatchObject({ size: 1 });
}

describe('the signer option', () => {
  it('takes a note signer key, and publishes its verifier key', async () => {
    const { signerKey, verifierKey } = generateNoteKey('example.com-receipts');
    const provider = new InMemoryReceiptProvider({ signer: signerKey, origin: 'example.com/receipts' });
    expect(await provider.verifierKey()).toBe(verifierKey);
    await checkpointVerifies(provider, verifierKey);
    await provider.close();
  });

  it('takes an Ed25519 KeyObject, named after the origin', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const provider = new InMemoryReceiptProvider({ signer: privateKey, origin: 'audit.example' });
    const verifierKey = await provider.verifierKey();
    expect(verifierKey.startsWith('audit.example+')).toBe(true);
    await checkpointVerifies(provider, verifierKey);
    await provider.close();
  });

  it('takes { keyName, verifierKey, sign } of a key kept elsewhere', async () => {
    const { signerKey, verifierKey } = generateNoteKey('hsm');
    const remote = signerFromKey(signerKey);
    let signed = 0;
    const provider = new InMemoryReceiptProvider({
      signer: {
        keyName: 'hsm',
        verifierKey,
        sign: async (message) => {
          signed++;
          return remote.sign(message);
        },
      },
    });
    await checkpointVerifies(provider, verifierKey);
    expect(signed).toBeGreaterThan(0);
    await provider.close();
  });

  it('refuses what is not a signer at construction, naming the option', () => {
    for (const signer of [42, {}, { keyName: 'x', sign: () => new Uint8Array() }]) {
      const error = thrownBy(() => new InMemoryReceiptProvider({ signer } as never), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ option: 'signer' });
    }
  });

  it('refuses an origin of more than one line', () => {
    const error = thrownBy(() => new InMemoryReceiptProvider({ origin: 'a\nb' }), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ option: 'origin' });
  });
});

describe('the redact option', () => {
  it('hashes and stores the redacted request, response and meta, never the originals', async () => {
    const redact = (value: Val): Val => JSON.parse(JSON.stringify(value).replaceAll('secret', '[redacted]'));
    const provider = new InMemoryReceiptProvider({ redact });
    const input = { ...sampleInput(1), request: { key: 'secret' }, meta: { note: 'secret' } };
    const receipt = await provider.append(input);
    expect(await provider.body(receipt.hash)).toEqual({
      request: { key: '[redacted]' },
      response: input.response,
    });
    expect(receipt.meta).toEqual({ note: '[redacted]' });
    await rejectionOf(provider.append({ ...input, request: { text: '\uD800' } }), 'INVALID_ARGUMENT');
    await provider.close();
  });
});

describe('canonical bytes', () => {
  // The canonical bytes are a function of the value and read back to it: equal bytes, equal values.
  it('property: canonical bytes decode to the value they came from', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => {
        const text = canonicalize(value);
        expect(canonicalize(decode(text))).toBe(text);
        expect(canonicalize(decode(encode(value)))).toBe(text);
      }),
      { seed: 8785, numRuns: 300 },
    );
    expect(canonicalize('\uD800')).not.toBe(canonicalize('\uFFFD'));
  });
});
