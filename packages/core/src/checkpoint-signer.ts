import { type KeyObject, KeyObject as KeyObjectClass } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import {
  type Checkpoint,
  type NoteSigner,
  signerFromKey,
  signerFromPrivateKey,
  verifierFromKey,
  verifierKeyOfPrivateKey,
  verifierKeyOfSigner,
} from './note.js';

/** A signer with the verifier key that checks its signatures. */
export type KeyedSigner = NoteSigner & { verifierKey: string };

/** A caller's own signer: signs with its key, and names the verifier key that checks it. */
export interface CheckpointSigner {
  keyName: string;
  verifierKey: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * What a family that signs checkpoints takes as its `signer` option: an Ed25519 private key, a C2SP note
 * signer key string, or a {@link CheckpointSigner} for a key kept elsewhere.
 */
export type SignerOption = KeyObject | string | CheckpointSigner;

/**
 * The `signer` option of a `kind` provider, checked: an `InvalidArgumentError` naming the provider and
 * the option unless it is one of the {@link SignerOption} forms (or absent).
 */
export function checkSignerOption(provider: string, kind: string, signer: unknown): SignerOption | undefined {
  if (signer === undefined || typeof signer === 'string') return signer;
  if (signer instanceof KeyObjectClass && signer.type === 'private') return signer;
  const custom = signer as Partial<CheckpointSigner> | null;
  if (
    typeof custom === 'object' &&
    custom !== null &&
    typeof custom.keyName === 'string' &&
    typeof custom.verifierKey === 'string' &&
    typeof custom.sign === 'function'
  ) {
    return custom as CheckpointSigner;
  }
  throw new InvalidArgumentError(
    `${provider}: option signer must be an Ed25519 private key, a note signer key or { keyName, verifierKey, sign }`,
    { details: { provider, kind, option: 'signer' } },
  );
}

/** The signer of an option, with its verifier key; a key made from a `KeyObject` is named `keyName`. */
export function keyedSigner(signer: SignerOption, keyName: string, kind: string): KeyedSigner {
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
      details: { kind, option: 'signer', keyName: signer.keyName, verifierKeyName: verifier.keyName },
    });
  }
  return {
    keyName: signer.keyName,
    keyId: verifier.keyId,
    sign: (m) => signer.sign(m),
    verifierKey: signer.verifierKey,
  };
}

/**
 * Why a log of `size` entries, whose tree root at the checkpoint's size is `root` (undefined when the log
 * is shorter), does not extend `checkpoint`, or null when it does; `entries` names what the log holds.
 */
export function checkpointDisagreement(
  checkpoint: Checkpoint,
  size: number,
  root: string | undefined,
  entries: string,
): string | null {
  if (checkpoint.size > size) {
    return `the log holds ${size} ${entries}, fewer than the ${checkpoint.size} of the checkpoint`;
  }
  if (root !== checkpoint.rootHash) {
    return `the first ${checkpoint.size} ${entries} are not those the checkpoint commits to`;
  }
  return null;
}
