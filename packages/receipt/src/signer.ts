import { type KeyObject, KeyObject as KeyObjectClass } from 'node:crypto';
import { InvalidArgumentError } from '@omega/core';
import {
  type NoteSigner,
  signerFromKey,
  signerFromPrivateKey,
  verifierFromKey,
  verifierKeyOfPrivateKey,
  verifierKeyOfSigner,
} from './note.js';
import { KIND } from './rules.js';

/** A signer with the verifier key that checks its signatures. */
export type KeyedSigner = NoteSigner & { verifierKey: string };

/** A caller's own signer: signs with its key, and names the verifier key that checks it. */
export interface ReceiptSigner {
  keyName: string;
  verifierKey: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export type SignerOption = KeyObject | string | ReceiptSigner;

/** The `signer` option, checked: an `InvalidArgumentError` naming the provider unless it is one of its forms. */
export function checkSigner(provider: string, signer: unknown): SignerOption | undefined {
  if (signer === undefined || typeof signer === 'string') return signer;
  if (signer instanceof KeyObjectClass && signer.type === 'private') return signer;
  const custom = signer as Partial<ReceiptSigner> | null;
  if (
    typeof custom === 'object' &&
    custom !== null &&
    typeof custom.keyName === 'string' &&
    typeof custom.verifierKey === 'string' &&
    typeof custom.sign === 'function'
  ) {
    return custom as ReceiptSigner;
  }
  throw new InvalidArgumentError(
    `${provider}: option signer must be an Ed25519 private key, a note signer key or { keyName, verifierKey, sign }`,
    { details: { provider, kind: KIND, option: 'signer' } },
  );
}

/** The signer of an option, with its verifier key. */
export function keyedSigner(signer: SignerOption, keyName: string): KeyedSigner {
  if (typeof signer === 'string') {
    const noteSigner = signerFromKey(signer);
    return { ...noteSigner, sign: noteSigner.sign, verifierKey: verifierKeyOfSigner(signer) };
  }
  if (signer instanceof KeyObjectClass) {
    const noteSigner = signerFromPrivateKey(keyName, signer);
    return { ...noteSigner, sign: noteSigner.sign, verifierKey: verifierKeyOfPrivateKey(keyName, signer) };
  }
  const verifier = verifierFromKey(signer.verifierKey);
  if (verifier.keyName !== signer.keyName) {
    throw new InvalidArgumentError("the signer's verifier key names another key", {
      details: { kind: KIND, option: 'signer', keyName: signer.keyName, verifierKeyName: verifier.keyName },
    });
  }
  return {
    keyName: signer.keyName,
    keyId: verifier.keyId,
    sign: (m) => signer.sign(m),
    verifierKey: signer.verifierKey,
  };
}
